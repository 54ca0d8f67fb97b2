#pragma once
// Bounds on what the config front ends accept. The parser reads untrusted-shaped text as root, so every
// dimension of the input has a named ceiling, and crossing one is an error naming file:line.
#include <cstddef>

namespace ward::config {

inline constexpr std::size_t kMaxFileBytes = std::size_t{8} << 20;       // one file
inline constexpr std::size_t kMaxTotalBytes = std::size_t{64} << 20;     // all files of one parse
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} << 10;      // after continuation joining
inline constexpr std::size_t kMaxNestingDepth = 32;                      // open sections at once
inline constexpr std::size_t kMaxIncludeDepth = 16;                      // nested Include
inline constexpr std::size_t kMaxDirectives = 100'000;                   // directives and sections
inline constexpr std::size_t kMaxArgs = 256;                             // arguments of one directive

struct Limits {
    std::size_t max_file_bytes = kMaxFileBytes;
    std::size_t max_total_bytes = kMaxTotalBytes;
    std::size_t max_line_bytes = kMaxLineBytes;
    std::size_t max_nesting_depth = kMaxNestingDepth;
    std::size_t max_include_depth = kMaxIncludeDepth;
    std::size_t max_directives = kMaxDirectives;
    std::size_t max_args = kMaxArgs;
};

}  // namespace ward::config
