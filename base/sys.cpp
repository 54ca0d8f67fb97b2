#include "base/sys.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "base/strings.hpp"

namespace ward::sys {

std::string errno_name(int err) {
    std::string buf(128, '\0');
    // GNU strerror_r returns the message, which may or may not live in buf.
    const char* msg = ::strerror_r(err, buf.data(), buf.size());
    return msg;
}

Error errno_error(std::string_view what, int err) { return Error{str_cat(what, ": ", errno_name(err))}; }

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode) {
    while (true) {
        const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
        if (fd >= 0) {
            return UniqueFd(fd);
        }
        if (errno != EINTR) {
            return errno_error(str_cat("open ", path));
        }
    }
}

Result<void> write_all(int fd, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno_error("write");
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

Result<std::string> read_fd(int fd, std::size_t max_bytes, std::string_view name) {
    std::string out;
    char buf[8192];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno_error(str_cat("read ", name));
        }
        if (n == 0) {
            return out;
        }
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
            return Error{str_cat(name, ": larger than the limit of ", max_bytes, " bytes")};
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
    auto fd = open(path, O_RDONLY | O_NOCTTY);
    if (!fd) {
        return std::move(fd).error();
    }
    return read_fd(fd->get(), max_bytes, path);
}

Result<UniqueFd> pidfd_open(pid_t pid) {
    const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
    if (fd < 0) {
        return errno_error(str_cat("pidfd_open ", pid));
    }
    return UniqueFd(static_cast<int>(fd));  // pidfds are always close-on-exec
}

Result<void> close_all_except(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
    unsigned next = 0;
    for (const int fd : keep) {
        if (fd < 0) {
            continue;
        }
        const auto kept = static_cast<unsigned>(fd);
        if (kept > next && ::syscall(SYS_close_range, next, kept - 1, 0U) != 0) {
            return errno_error("close_range");
        }
        next = kept + 1;
    }
    if (::syscall(SYS_close_range, next, UINT_MAX, 0U) != 0) {
        return errno_error("close_range");
    }
    return {};
}

}  // namespace ward::sys
