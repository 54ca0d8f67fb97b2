#pragma once
// The buffer of an NSS *_r lookup (getpwnam_r, getspnam_r, getgrgid_r, ...). It starts at a size that fits any
// ordinary entry and doubles on ERANGE up to a limit: a fixed 64 KiB buffer cost 17 zero-filled pages per lookup,
// a page fault each in every session process, and still failed on a group with more members than that.
#include <string.h>

#include <cerrno>
#include <cstddef>
#include <string>

namespace ward::auth {

inline constexpr std::size_t kFirstNssBufferBytes = 1024;
inline constexpr std::size_t kMaxNssBufferBytes = std::size_t{1024} * 1024;

// Runs `lookup(data, size)`, which returns 0 or an errno value, until it needs no larger buffer. What a failed
// attempt left in the buffer is wiped before the buffer grows (it may hold a password hash); the caller wipes
// the final buffer when it held one. False when the lookup failed or the entry needs more than the limit.
template <class Lookup>
bool nss_lookup(std::string& buffer, Lookup lookup) {
    buffer.assign(kFirstNssBufferBytes, '\0');
    while (true) {
        const int rc = lookup(buffer.data(), buffer.size());
        if (rc != ERANGE) {
            return rc == 0;
        }
        const std::size_t next = buffer.size() * 2;
        ::explicit_bzero(buffer.data(), buffer.size());
        if (next > kMaxNssBufferBytes) {
            return false;
        }
        buffer.assign(next, '\0');
    }
}

}  // namespace ward::auth
