// sandbox_describe: prints each role's seccomp policy and capability set as the code defines them, or checks
// and rewrites the blocks SECURITY.md carries.
//   sandbox_describe                 print every block
//   sandbox_describe --check FILE    exit 1 with a diff when FILE's blocks differ from the code
//   sandbox_describe --write FILE    regenerate FILE's blocks
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "sandbox/review.hpp"

namespace {

constexpr std::size_t kMaxDocument = std::size_t{1024} * 1024;

// Output that cannot be written has nowhere else to go; the exit status still says what happened.
void say(int fd, std::string_view text) { (void)ward::sys::write_all(fd, text); }

int print_all() {
    for (const auto& block : ward::sandbox::review_blocks()) {
        say(STDOUT_FILENO, ward::str_cat("== ", block.id, " ==\n", block.text, "\n"));
    }
    return 0;
}

int check_or_write(std::string_view mode, const std::string& path) {
    auto document = ward::sys::read_file(path, kMaxDocument);
    if (!document) {
        say(STDERR_FILENO, ward::str_cat("sandbox_describe: ", document.error().message, "\n"));
        return 2;
    }
    auto regenerated = ward::sandbox::regenerate_review_blocks(*document);
    if (!regenerated) {
        say(STDERR_FILENO, ward::str_cat("sandbox_describe: ", path, ": ", regenerated.error().message, "\n"));
        return 2;
    }
    if (*regenerated == *document) {
        return 0;
    }
    if (mode == "--check") {
        say(STDERR_FILENO, ward::str_cat(path, " disagrees with the code:\n",
                                         ward::sandbox::line_diff(*document, *regenerated)));
        return 1;
    }
    auto out = ward::sys::open(path, O_WRONLY | O_TRUNC);
    if (!out) {
        say(STDERR_FILENO, ward::str_cat("sandbox_describe: ", out.error().message, "\n"));
        return 2;
    }
    if (auto ok = ward::sys::write_all(out->get(), *regenerated); !ok) {
        say(STDERR_FILENO, ward::str_cat("sandbox_describe: ", path, ": ", ok.error().message, "\n"));
        return 2;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 1) {
        return print_all();
    }
    const std::string_view mode = argv[1];
    if (argc == 3 && (mode == "--check" || mode == "--write")) {
        return check_or_write(mode, argv[2]);
    }
    say(STDERR_FILENO, "usage: sandbox_describe [--check FILE | --write FILE]\n");
    return 2;
}
