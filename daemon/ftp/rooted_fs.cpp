#include "daemon/ftp/rooted_fs.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/sys.hpp"
#include "daemon/ftp/dir_reader.hpp"
#include "daemon/ftp/vpath.hpp"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452  // Linux 6.6; the same number on every architecture
#endif

namespace ward::ftp {
namespace {

constexpr int kRetries = 16;  // openat2 answers EAGAIN when a rename races a RESOLVE_IN_ROOT lookup

int openat2_in(int dir, const std::string& rel, int flags, mode_t mode, UniqueFd& out) noexcept {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags) | O_CLOEXEC;
    how.mode = (flags & O_CREAT) != 0 ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0; attempt < kRetries; ++attempt) {
        const long fd = ::syscall(SYS_openat2, dir, rel.c_str(), &how, sizeof how);
        if (fd >= 0) {
            out.reset(static_cast<int>(fd));
            return 0;
        }
        if (errno != EINTR && errno != EAGAIN) {
            return errno;
        }
    }
    return EAGAIN;
}

int result(int rc) noexcept { return rc == 0 ? 0 : errno; }

}  // namespace

Result<RootedFs> RootedFs::open_root(const std::string& real_root) {
    auto fd = sys::open(real_root, O_PATH | O_DIRECTORY);
    if (!fd) {
        return std::move(fd).error();
    }
    return RootedFs(std::move(*fd));
}

int RootedFs::open(std::string_view vpath, int flags, mode_t mode, UniqueFd& out) const noexcept {
    try {
        return openat2_in(root_.get(), relative_to_root(vpath), flags, mode, out);
    } catch (...) {
        return ENOMEM;
    }
}

int RootedFs::stat(std::string_view vpath, struct stat& st) const noexcept {
    UniqueFd fd;
    if (const int err = open(vpath, O_PATH, 0, fd); err != 0) {
        return err;
    }
    return result(::fstat(fd.get(), &st));
}

int RootedFs::lstat(std::string_view vpath, struct stat& st) const noexcept {
    if (vpath == "/") {
        return result(::fstat(root_.get(), &st));
    }
    UniqueFd dir;
    std::string name;
    if (const int err = open_parent(vpath, dir, name); err != 0) {
        return err;
    }
    return result(::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW));
}

int RootedFs::open_parent(std::string_view vpath, UniqueFd& dir, std::string& name) const noexcept {
    if (vpath == "/" || vpath.empty()) {
        return EBUSY;
    }
    try {
        name.assign(virtual_basename(vpath));
        return openat2_in(root_.get(), relative_to_root(virtual_parent(vpath)), O_PATH | O_DIRECTORY, 0, dir);
    } catch (...) {
        return ENOMEM;
    }
}

int RootedFs::mkdir(std::string_view vpath, mode_t mode) const noexcept {
    UniqueFd dir;
    std::string name;
    if (const int err = open_parent(vpath, dir, name); err != 0) {
        return err == EBUSY ? EEXIST : err;
    }
    return result(::mkdirat(dir.get(), name.c_str(), mode));
}

int RootedFs::rmdir(std::string_view vpath) const noexcept {
    UniqueFd dir;
    std::string name;
    if (const int err = open_parent(vpath, dir, name); err != 0) {
        return err;
    }
    return result(::unlinkat(dir.get(), name.c_str(), AT_REMOVEDIR));
}

int RootedFs::unlink(std::string_view vpath) const noexcept {
    UniqueFd dir;
    std::string name;
    if (const int err = open_parent(vpath, dir, name); err != 0) {
        return err == EBUSY ? EISDIR : err;
    }
    return result(::unlinkat(dir.get(), name.c_str(), 0));
}

int RootedFs::rename(std::string_view from, std::string_view to, bool no_replace) const noexcept {
    UniqueFd from_dir;
    UniqueFd to_dir;
    std::string from_name;
    std::string to_name;
    if (const int err = open_parent(from, from_dir, from_name); err != 0) {
        return err;
    }
    if (const int err = open_parent(to, to_dir, to_name); err != 0) {
        return err;
    }
    return result(::renameat2(from_dir.get(), from_name.c_str(), to_dir.get(), to_name.c_str(),
                              no_replace ? RENAME_NOREPLACE : 0U));
}

int RootedFs::chmod(std::string_view vpath, mode_t mode) const noexcept {
    UniqueFd target;
    if (const int err = open(vpath, O_PATH, 0, target); err != 0) {
        return err;
    }
    // fchmodat2(AT_EMPTY_PATH) changes exactly the file the O_PATH fd names; older kernels: open it.
    if (::syscall(SYS_fchmodat2, target.get(), "", mode, AT_EMPTY_PATH) == 0) {
        return 0;
    }
    if (errno != ENOSYS && errno != EINVAL) {
        return errno;
    }
    UniqueFd file;
    if (const int err = open(vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, file); err != 0) {
        return err;
    }
    return result(::fchmod(file.get(), mode));
}

namespace {

// Empties the directory `dir_fd` names; 0 or the first errno value.
int remove_contents(int dir_fd, unsigned depth) noexcept {
    if (depth > RootedFs::kMaxTreeDepth) {
        return ELOOP;
    }
    DirListing listing;
    if (const int err = read_directory(dir_fd, listing); err != 0) {
        return err;
    }
    for (const auto& entry : listing.entries) {
        const char* name = listing.c_name(entry);
        const std::string_view shown(name);
        if (shown == "." || shown == "..") {
            continue;
        }
        struct stat st {};
        if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;  // gone meanwhile
        }
        if (S_ISDIR(st.st_mode)) {
            UniqueFd child(::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!child.valid()) {
                return errno;
            }
            if (const int err = remove_contents(child.get(), depth + 1); err != 0) {
                return err;
            }
        }
        if (::unlinkat(dir_fd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0) {
            return errno;
        }
    }
    return 0;
}

}  // namespace

int RootedFs::remove_tree(std::string_view vpath) const noexcept {
    UniqueFd parent;
    std::string name;
    if (const int err = open_parent(vpath, parent, name); err != 0) {
        return err;
    }
    struct stat st {};
    if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return errno;
    }
    if (!S_ISDIR(st.st_mode)) {
        return ENOTDIR;
    }
    UniqueFd dir(::openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) {
        return errno;
    }
    if (const int err = remove_contents(dir.get(), 1); err != 0) {
        return err;
    }
    return result(::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR));
}

int RootedFs::chown(std::string_view vpath, uid_t uid, gid_t gid) const noexcept {
    UniqueFd target;
    if (const int err = open(vpath, O_PATH, 0, target); err != 0) {
        return err;
    }
    return result(::fchownat(target.get(), "", uid, gid, AT_EMPTY_PATH));
}

int RootedFs::set_times(std::string_view vpath, std::optional<std::time_t> atime,
                        std::optional<std::time_t> mtime) const noexcept {
    UniqueFd dir;
    std::string name;
    if (const int err = open_parent(vpath, dir, name); err != 0) {
        return err;
    }
    const auto spec = [](std::optional<std::time_t> t) {
        return t ? timespec{*t, 0} : timespec{0, UTIME_OMIT};
    };
    const timespec times[2] = {spec(atime), spec(mtime)};
    return result(::utimensat(dir.get(), name.c_str(), times, AT_SYMLINK_NOFOLLOW));
}

std::string RootedFs::readlink_at(int dir_fd, const char* name) const {
    char buf[4096];
    const ssize_t n = ::readlinkat(dir_fd, name, buf, sizeof buf);
    if (n <= 0) {
        return {};
    }
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace ward::ftp
