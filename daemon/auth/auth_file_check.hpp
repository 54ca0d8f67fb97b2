#pragma once
// mod_auth_file's permission checks, as ProFTPD makes them when it reads the configuration: an AuthUserFile
// (it holds password hashes) is refused when world-readable or world-writable, an AuthGroupFile when
// world-writable, and either when the directory holding it (or holding the symbolic link to it) is
// world-writable. Run by -t, at start-up and on reload, through the same call. A file that does not exist
// yet is not judged (the embedded default creates its own at start-up; logins report a missing file). ProFTPD's escape hatch,
// `AuthFileOptions InsecurePerms`, is not a directive here.
#include "base/result.hpp"
#include "config/server.hpp"

namespace ward::auth {

// Errors name file:line of the directive, the path and the reason.
[[nodiscard]] Result<void> check_auth_file_permissions(const config::ServerSet& servers);

}  // namespace ward::auth
