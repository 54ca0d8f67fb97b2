#include "exec/exec_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <ctime>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::exec {

Result<UniqueFd> open_exec_log(const std::string& path) {
    if (!path.starts_with('/')) {
        return Error{str_cat("ExecLog ", path, ": not an absolute path")};
    }
    const auto slash = path.rfind('/');
    const std::string dir = slash == 0 ? std::string("/") : path.substr(0, slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        return sys::errno_error(str_cat("ExecLog ", path, ": directory ", dir));
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        return Error{str_cat("unable to use ExecLog ", path, ": parent directory ", dir, " is world-writable")};
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0) {
        if (errno == ELOOP) {
            return Error{str_cat("unable to use ExecLog ", path, ": is a symbolic link")};
        }
        return sys::errno_error(str_cat("ExecLog ", path));
    }
    UniqueFd owned(fd);
    if (::fstat(owned.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Error{str_cat("unable to use ExecLog ", path, ": not a regular file")};
    }
    return owned;
}

void ExecLog::write(std::string_view text) const {
    if (fd_ < 0) {
        return;
    }
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    (void)::localtime_r(&t, &tm);
    std::array<char, 32> stamp{};
    const std::size_t n = std::strftime(stamp.data(), stamp.size(), "%Y-%m-%d %H:%M:%S", &tm);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::string ms = str_cat(millis);
    ms.insert(0, 3 - ms.size(), '0');
    const std::string line =
        str_cat(std::string_view(stamp.data(), n), ",", ms, " mod_exec[", ::getpid(), "]: ", escape_for_log(text), "\n");
    (void)sys::write_all(fd_, line);
}

}  // namespace ward::exec
