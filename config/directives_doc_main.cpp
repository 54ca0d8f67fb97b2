// directives_doc: prints docs/directives.md as the registry defines it, or checks or rewrites the file.
//   directives_doc                 print it
//   directives_doc --check FILE    exit 1 when FILE differs from the registry
//   directives_doc --write FILE    rewrite FILE
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/directives_doc.hpp"

namespace {

constexpr std::size_t kMaxDocument = std::size_t{4} * 1024 * 1024;

void say(int fd, std::string_view text) { (void)ward::sys::write_all(fd, text); }

int check(const std::string& path, const std::string& generated) {
    auto document = ward::sys::read_file(path, kMaxDocument);
    if (!document) {
        say(STDERR_FILENO, ward::str_cat("directives_doc: ", document.error().message, "\n"));
        return 2;
    }
    if (*document == generated) {
        return 0;
    }
    say(STDERR_FILENO, ward::str_cat(path, " disagrees with the directive registry; regenerate it with "
                                           "directives_doc --write ", path, "\n"));
    return 1;
}

int write(const std::string& path, const std::string& generated) {
    auto out = ward::sys::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!out) {
        say(STDERR_FILENO, ward::str_cat("directives_doc: ", out.error().message, "\n"));
        return 2;
    }
    if (auto ok = ward::sys::write_all(out->get(), generated); !ok) {
        say(STDERR_FILENO, ward::str_cat("directives_doc: ", path, ": ", ok.error().message, "\n"));
        return 2;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string generated = ward::config::directives_markdown();
    if (argc == 1) {
        say(STDOUT_FILENO, generated);
        return 0;
    }
    const std::string_view mode = argv[1];
    if (argc == 3 && mode == "--check") {
        return check(argv[2], generated);
    }
    if (argc == 3 && mode == "--write") {
        return write(argv[2], generated);
    }
    say(STDERR_FILENO, "usage: directives_doc [--check FILE | --write FILE]\n");
    return 2;
}
