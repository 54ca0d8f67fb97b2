// Built only in the sanitizer build: proves ASan and UBSan report and fail the run.
//   sanitizer_canary heap   -> heap-buffer-overflow (ASan)
//   sanitizer_canary shift  -> shift exponent too large (UBSan)
#include <cstdio>
#include <cstring>
#include <memory>

int main(int argc, char** argv) {
    if (argc < 2) {
        return 2;
    }
    const int extra = argc;  // defeats constant folding
    if (std::strcmp(argv[1], "heap") == 0) {
        auto buf = std::make_unique<char[]>(8);
        buf[static_cast<std::size_t>(6 + extra)] = 'x';
        std::printf("%c\n", buf[0]);
    } else if (std::strcmp(argv[1], "shift") == 0) {
        const int shift = 30 + extra;
        std::printf("%d\n", 1 << shift);
    }
    return 0;
}
