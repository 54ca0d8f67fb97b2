#pragma once
// The session's file system: every client path, already a normalized virtual path (vpath.hpp), is
// resolved below one directory fd with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so ".." and
// absolute or relative symlinks can never leave the root, chrooted or not. Operations on a name (mkdir,
// unlink, rename, ...) resolve the parent that way and then act on the last component, which is never "."
// or "..", relative to that parent's fd. Failures are errno values, for replies like
// "550 x: No such file or directory".
#include <sys/stat.h>
#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::ftp {

class RootedFs {
public:
    RootedFs() = default;
    explicit RootedFs(UniqueFd root) noexcept : root_(std::move(root)) {}

    // Opens the real directory `real_root` (a path the process can reach, "/" inside a chroot).
    [[nodiscard]] static Result<RootedFs> open_root(const std::string& real_root);

    [[nodiscard]] bool valid() const noexcept { return root_.valid(); }
    [[nodiscard]] int root_fd() const noexcept { return root_.get(); }

    // 0 or an errno value. `mode` only with O_CREAT.
    [[nodiscard]] int open(std::string_view vpath, int flags, mode_t mode, UniqueFd& out) const noexcept;
    // Follows symlinks (inside the root).
    [[nodiscard]] int stat(std::string_view vpath, struct stat& st) const noexcept;
    // The entry itself, a symlink not followed.
    [[nodiscard]] int lstat(std::string_view vpath, struct stat& st) const noexcept;
    // The parent directory of vpath (O_PATH) and the last component; EBUSY for "/".
    [[nodiscard]] int open_parent(std::string_view vpath, UniqueFd& dir, std::string& name) const noexcept;

    [[nodiscard]] int mkdir(std::string_view vpath, mode_t mode) const noexcept;
    [[nodiscard]] int rmdir(std::string_view vpath) const noexcept;
    [[nodiscard]] int unlink(std::string_view vpath) const noexcept;
    // no_replace: fail with EEXIST instead of replacing `to` (AllowOverwrite off).
    [[nodiscard]] int rename(std::string_view from, std::string_view to, bool no_replace) const noexcept;
    // The file a path names, symlinks followed inside the root; never a file outside it.
    [[nodiscard]] int chmod(std::string_view vpath, mode_t mode) const noexcept;
    // Sets the times of the entry itself (a symlink not followed); nullopt leaves that time as it is.
    [[nodiscard]] int set_times(std::string_view vpath, std::optional<std::time_t> atime,
                                std::optional<std::time_t> mtime) const noexcept;
    // Removes a directory and everything below it (SITE RMDIR), never following a symlink: links are removed
    // as entries. ENOTDIR when vpath is not a directory; ELOOP beyond kMaxTreeDepth levels.
    static constexpr unsigned kMaxTreeDepth = 64;
    [[nodiscard]] int remove_tree(std::string_view vpath) const noexcept;
    // chown of the file a path names, symlinks followed inside the root (-1 leaves an id as it is).
    [[nodiscard]] int chown(std::string_view vpath, uid_t uid, gid_t gid) const noexcept;
    // readlink of the entry itself; empty on failure.
    [[nodiscard]] std::string readlink_at(int dir_fd, const char* name) const;

private:
    UniqueFd root_;
};

}  // namespace ward::ftp
