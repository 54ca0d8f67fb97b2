#include "daemon/log_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::daemon {

Result<void> check_log_file(const std::string& path) {
    if (path.empty() || path.front() != '/') {
        return Error{str_cat(path, ": a log file needs an absolute path")};
    }
    const std::string dir = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        return sys::errno_error(str_cat("stat ", dir));
    }
    if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0) {
        return Error{str_cat("unable to use ", path, ": parent directory is world-writable")};
    }
    if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            return Error{str_cat("unable to use ", path, ": it is a symbolic link")};
        }
        if (!S_ISREG(st.st_mode)) {
            return Error{str_cat("unable to use ", path, ": not a regular file")};
        }
    }
    return {};
}

Result<UniqueFd> open_log_file(const std::string& path) {
    if (auto checked = check_log_file(path); !checked) {
        return std::move(checked).error();
    }
    struct stat st {};
    auto fd = sys::open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0640);
    if (!fd) {
        if (errno == ELOOP) {
            return Error{str_cat("unable to use ", path, ": it is a symbolic link")};
        }
        return std::move(fd).error();
    }
    if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Error{str_cat("unable to use ", path, ": not a regular file")};
    }
    return fd;
}

}  // namespace ward::daemon
