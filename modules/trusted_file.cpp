#include "modules/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::modules {
namespace {

bool trusted_owner(const struct stat& st, const TrustedOwners& owners) {
    return std::find(owners.uids.begin(), owners.uids.end(), st.st_uid) != owners.uids.end();
}

std::string owners_text(const TrustedOwners& owners) {
    std::string out;
    for (std::size_t i = 0; i < owners.uids.size(); ++i) {
        out += str_cat(i == 0 ? "uid " : " or uid ", owners.uids[i]);
    }
    return out;
}

// A directory on the way down: trusted owner; writable by others only when sticky (and not the last).
Result<void> check_directory(const std::string& path, const struct stat& st, const TrustedOwners& owners,
                             bool is_last) {
    if (!S_ISDIR(st.st_mode)) {
        return Error{str_cat(path, ": is not a directory")};
    }
    if (!trusted_owner(st, owners)) {
        return Error{str_cat(path, ": directory is owned by uid ", st.st_uid, ", not by ", owners_text(owners),
                             " (refused)")};
    }
    const bool sticky = (st.st_mode & S_ISVTX) != 0;
    if ((st.st_mode & S_IWOTH) != 0 && (is_last || !sticky)) {
        return Error{str_cat(path, " is world-writable")};
    }
    if ((st.st_mode & S_IWGRP) != 0 && (is_last || !sticky)) {
        return Error{str_cat(path, ": directory is group-writable (refused)")};
    }
    return {};
}

Result<struct stat> fstat_fd(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return sys::errno_error(str_cat("fstat ", path));
    }
    return st;
}

Error open_error(const std::string& path, int err, bool directory) {
    if (err == ELOOP) {
        return Error{str_cat(path, ": is a symbolic link (refused)")};
    }
    if (err == ENOTDIR && directory) {
        return Error{str_cat(path, ": is a symbolic link or not a directory (refused)")};
    }
    return sys::errno_error(str_cat("open ", path), err);
}

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    for (const auto part : split(path, '/')) {
        if (!part.empty() && part != ".") {
            out.emplace_back(part);
        }
    }
    return out;
}

// Opens and checks every directory of `parts` from "/"; returns the last one's descriptor.
Result<UniqueFd> walk_directories(const std::vector<std::string>& parts, const TrustedOwners& owners) {
    UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        return sys::errno_error("open /");
    }
    std::string shown = "/";
    auto root_st = fstat_fd(dir.get(), shown);
    if (!root_st) {
        return std::move(root_st).error();
    }
    if (auto ok = check_directory(shown, *root_st, owners, parts.empty()); !ok) {
        return std::move(ok).error();
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] == "..") {
            return Error{str_cat(shown, ": '..' is not allowed in a module or key path")};
        }
        shown = str_cat(shown == "/" ? "" : shown, "/", parts[i]);
        UniqueFd next(::openat(dir.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            return open_error(shown, errno, true);
        }
        auto st = fstat_fd(next.get(), shown);
        if (!st) {
            return std::move(st).error();
        }
        if (auto ok = check_directory(shown, *st, owners, i + 1 == parts.size()); !ok) {
            return std::move(ok).error();
        }
        dir = std::move(next);
    }
    return dir;
}

Result<std::string> read_checked(int fd, const std::string& path, std::size_t max_bytes) {
    auto st = fstat_fd(fd, path);
    if (!st) {
        return std::move(st).error();
    }
    if (!S_ISREG(st->st_mode)) {
        return Error{str_cat(path, ": is not a regular file (refused)")};
    }
    if (static_cast<std::size_t>(st->st_size) > max_bytes) {
        return Error{str_cat(path, ": is larger than ", max_bytes, " bytes (refused)")};
    }
    return sys::read_fd(fd, max_bytes, path);
}

}  // namespace

TrustedOwners default_owners() {
    TrustedOwners owners{{0}};
    if (::geteuid() != 0) {
        owners.uids.push_back(::geteuid());
    }
    return owners;
}

Result<UniqueFd> open_trusted_dir(const std::string& absolute_path, const TrustedOwners& owners) {
    if (absolute_path.empty() || absolute_path.front() != '/') {
        return Error{str_cat(absolute_path, ": is not an absolute path")};
    }
    return walk_directories(components(absolute_path), owners);
}

Result<TrustedFile> read_trusted_file(const std::string& absolute_path, const TrustedOwners& owners,
                                      std::size_t max_bytes) {
    if (absolute_path.empty() || absolute_path.front() != '/') {
        return Error{str_cat(absolute_path, ": is not an absolute path")};
    }
    auto parts = components(absolute_path);
    if (parts.empty()) {
        return Error{str_cat(absolute_path, ": is not a file")};
    }
    const std::string name = parts.back();
    parts.pop_back();
    auto dir = walk_directories(parts, owners);
    if (!dir) {
        return std::move(dir).error();
    }
    const UniqueFd fd(::openat(dir->get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        return open_error(absolute_path, errno, false);
    }
    auto st = fstat_fd(fd.get(), absolute_path);
    if (!st) {
        return std::move(st).error();
    }
    if (!trusted_owner(*st, owners)) {
        return Error{str_cat(absolute_path, ": is owned by uid ", st->st_uid, ", not by ", owners_text(owners),
                             " (refused)")};
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Error{str_cat(absolute_path, ": is group- or world-writable (refused)")};
    }
    auto contents = read_checked(fd.get(), absolute_path, max_bytes);
    if (!contents) {
        return std::move(contents).error();
    }
    TrustedFile file;
    file.path = absolute_path;
    file.contents = std::move(*contents);
    file.dir = std::move(*dir);
    return file;
}

Result<std::string> read_companion(int dir_fd, const std::string& name, const std::string& shown_path,
                                   std::size_t max_bytes, bool& found) {
    found = false;
    const UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) {
            return std::string();
        }
        return open_error(shown_path, errno, false);
    }
    found = true;
    return read_checked(fd.get(), shown_path, max_bytes);
}

}  // namespace ward::modules
