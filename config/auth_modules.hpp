#pragma once
// AuthOrder's module names (ProFTPD 1.3.8, mod_core.c and src/auth.c): which names wardftpd serves, which it
// refuses and why, and the `*` suffix that makes a module's answer authoritative (ProFTPD's
// PR_AUTH_FL_REQUIRED: whatever that module answers ends the attempt, success or not).
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ward::config {

enum class AuthModule : std::uint8_t {
    file,    // mod_auth_file.c: AuthUserFile / AuthGroupFile
    system,  // mod_auth_unix.c: the system's accounts (NSS and shadow)
    pam,     // mod_auth_pam.c: a PAM service (AuthPAMConfig), run in a per-attempt helper process
    sql,     // mod_sql.c
};

struct AuthOrderEntry {
    AuthModule module = AuthModule::system;
    bool authoritative = false;  // written with a trailing '*'
    bool operator==(const AuthOrderEntry&) const = default;
};

// One AuthOrder argument. Errors say why: a name wardftpd does not know, or a module it has not got
// (mod_ldap.c, mod_radius.c, ...) with what to use instead. Names compare without regard to case.
[[nodiscard]] Result<AuthOrderEntry> parse_auth_order_entry(std::string_view argument);

// "mod_auth_pam.c" and friends, for logs.
[[nodiscard]] std::string_view auth_module_name(AuthModule module) noexcept;

}  // namespace ward::config
