#pragma once
// Reads a whole directory with getdents64 in bulk: names land in one arena, entries point into it, so a
// 10,000-entry directory costs a few system calls and two allocations that grow geometrically.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ward::ftp {

struct DirEntryRef {
    std::uint32_t offset = 0;  // into DirListing::names
    std::uint32_t length = 0;
    unsigned char type = 0;    // d_type (DT_UNKNOWN when the file system does not say)
};

struct DirListing {
    std::string names;  // NUL-terminated names, back to back
    std::vector<DirEntryRef> entries;

    [[nodiscard]] std::string_view name(const DirEntryRef& e) const noexcept {
        return std::string_view(names).substr(e.offset, e.length);
    }
    [[nodiscard]] const char* c_name(const DirEntryRef& e) const noexcept { return names.c_str() + e.offset; }
    // Sorts entries by name, bytewise (what ls does in the C locale).
    void sort();
};

// Reads every entry of the directory open at `dir_fd` (O_RDONLY | O_DIRECTORY) except "." and "..".
// 0 or an errno value.
[[nodiscard]] int read_directory(int dir_fd, DirListing& out);

}  // namespace ward::ftp
