#pragma once
// Opening a file that decides what code runs (a module, a trusted key) so that nobody but its trusted
// owners can have chosen its bytes: every directory from "/" down is opened by descriptor (never by a path
// again), none may be a symlink, each must be owned by root or the daemon's user and writable by no one
// else (a sticky directory, like /tmp, may be world-writable above the file's own directory); the file
// itself is opened with O_NOFOLLOW, checked with fstat on that descriptor, and read from it.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::modules {

struct TrustedOwners {
    std::vector<uid_t> uids;  // root and the daemon's user
};

[[nodiscard]] TrustedOwners default_owners();  // {0, geteuid()}

struct TrustedFile {
    std::string path;
    std::string contents;  // the bytes read from the checked descriptor
    UniqueFd dir;          // the file's directory, checked, for reading a companion (".minisig")
};

// Errors name the path and the reason: "/x/mod_a.so: is a symbolic link (refused)".
[[nodiscard]] Result<TrustedFile> read_trusted_file(const std::string& absolute_path, const TrustedOwners& owners,
                                                    std::size_t max_bytes);

// Opens an absolute directory the same way and checks it; ProFTPD's wording for a world-writable
// ModulePath ("/x is world-writable").
[[nodiscard]] Result<UniqueFd> open_trusted_dir(const std::string& absolute_path, const TrustedOwners& owners);

// A companion file in a checked directory (a signature): O_NOFOLLOW, a regular file, at most max_bytes.
// Its owner is not checked: a changed signature can only make verification fail. Missing: empty result.
[[nodiscard]] Result<std::string> read_companion(int dir_fd, const std::string& name, const std::string& shown_path,
                                                 std::size_t max_bytes, bool& found);

}  // namespace ward::modules
