// sandbox_describe: prints each role's seccomp policy and capability set as the code defines them, or checks
// and rewrites the blocks SECURITY.md carries.
//   sandbox_describe                 print every block
//   sandbox_describe --check FILE    exit 1 with a diff when FILE's blocks differ from the code
//   sandbox_describe --write FILE    regenerate FILE's blocks
#include <fcntl.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "base/sys.hpp"
#include "sandbox/review.hpp"

namespace {

constexpr std::size_t kMaxDocument = 1024 * 1024;

int print_all() {
    for (const auto& block : ward::sandbox::review_blocks()) {
        std::printf("== %s ==\n%s\n", block.id.c_str(), block.text.c_str());
    }
    return 0;
}

int check_or_write(std::string_view mode, const std::string& path) {
    auto document = ward::sys::read_file(path, kMaxDocument);
    if (!document) {
        std::fprintf(stderr, "sandbox_describe: %s\n", document.error().message.c_str());
        return 2;
    }
    auto regenerated = ward::sandbox::regenerate_review_blocks(*document);
    if (!regenerated) {
        std::fprintf(stderr, "sandbox_describe: %s: %s\n", path.c_str(), regenerated.error().message.c_str());
        return 2;
    }
    if (*regenerated == *document) {
        return 0;
    }
    if (mode == "--check") {
        std::fprintf(stderr, "%s disagrees with the code:\n%s", path.c_str(),
                     ward::sandbox::line_diff(*document, *regenerated).c_str());
        return 1;
    }
    auto out = ward::sys::open(path, O_WRONLY | O_TRUNC);
    if (!out) {
        std::fprintf(stderr, "sandbox_describe: %s\n", out.error().message.c_str());
        return 2;
    }
    if (auto ok = ward::sys::write_all(out->get(), *regenerated); !ok) {
        std::fprintf(stderr, "sandbox_describe: %s: %s\n", path.c_str(), ok.error().message.c_str());
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
    std::fprintf(stderr, "usage: sandbox_describe [--check FILE | --write FILE]\n");
    return 2;
}
