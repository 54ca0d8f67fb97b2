#include "daemon/ftp/dir_reader.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace ward::ftp {
namespace {

constexpr std::size_t kDirBufferBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxEntries = 1U << 24U;  // names and offsets stay within 32 bits

}  // namespace

void DirListing::sort() {
    std::sort(entries.begin(), entries.end(),
              [this](const DirEntryRef& a, const DirEntryRef& b) { return name(a) < name(b); });
}

int read_directory(int dir_fd, DirListing& out) {
    const auto buffer = std::make_unique<char[]>(kDirBufferBytes);
    while (true) {
        const ssize_t n = ::getdents64(dir_fd, buffer.get(), kDirBufferBytes);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (n == 0) {
            return 0;
        }
        std::size_t pos = 0;
        while (pos < static_cast<std::size_t>(n)) {
            dirent64 entry{};
            // The kernel packs records at 8-byte alignment; copy the fixed header out of the byte buffer.
            std::memcpy(&entry, buffer.get() + pos, offsetof(dirent64, d_name));
            const char* name = buffer.get() + pos + offsetof(dirent64, d_name);
            pos += entry.d_reclen;
            if (entry.d_reclen == 0) {
                return EIO;
            }
            const std::size_t len = ::strnlen(name, entry.d_reclen - offsetof(dirent64, d_name));
            if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
                continue;
            }
            if (out.entries.size() >= kMaxEntries || out.names.size() + len + 1 > UINT32_MAX) {
                return EOVERFLOW;
            }
            DirEntryRef ref;
            ref.offset = static_cast<std::uint32_t>(out.names.size());
            ref.length = static_cast<std::uint32_t>(len);
            ref.type = entry.d_type;
            out.names.append(name, len);
            out.names += '\0';
            out.entries.push_back(ref);
        }
    }
}

}  // namespace ward::ftp
