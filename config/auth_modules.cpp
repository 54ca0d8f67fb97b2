#include "config/auth_modules.hpp"

#include <array>

#include "base/strings.hpp"

namespace ward::config {
namespace {

struct KnownModule {
    std::string_view name;
    AuthModule module;
    std::string_view refusal;  // empty: served
};

// Every module ProFTPD 1.3.8 ships with an authentication table, and what wardftpd does with it.
constexpr std::array kModules{
    KnownModule{"mod_auth_file.c", AuthModule::file, {}},
    KnownModule{"mod_auth_unix.c", AuthModule::system, {}},
    KnownModule{"mod_auth_pam.c", AuthModule::pam, {}},
    KnownModule{"mod_sql.c", AuthModule::sql, {}},
    KnownModule{"mod_ldap.c", AuthModule::system,
                "wardftpd has no mod_ldap.c; put LDAP behind PAM (pam_ldap or SSSD) and name mod_auth_pam.c"},
    KnownModule{"mod_radius.c", AuthModule::system,
                "wardftpd has no mod_radius.c; put RADIUS behind PAM (pam_radius_auth) and name mod_auth_pam.c"},
    KnownModule{"mod_auth_otp.c", AuthModule::system,
                "wardftpd has no mod_auth_otp.c; one-time passwords can be checked by a PAM module (pam_oath) "
                "through mod_auth_pam.c"},
    KnownModule{"mod_sftp_pam.c", AuthModule::system, "wardftpd serves FTP only; mod_sftp_pam.c is SFTP's PAM"},
};

}  // namespace

Result<AuthOrderEntry> parse_auth_order_entry(std::string_view argument) {
    std::string_view name = argument;
    AuthOrderEntry entry;
    if (name.ends_with('*')) {
        name.remove_suffix(1);
        entry.authoritative = true;
    }
    for (const KnownModule& known : kModules) {
        if (!iequals(name, known.name)) {
            continue;
        }
        if (!known.refusal.empty()) {
            return Error{std::string(known.refusal)};
        }
        entry.module = known.module;
        return entry;
    }
    return Error{str_cat("'", argument,
                         "' is not an authentication module wardftpd knows (mod_auth_file.c, mod_auth_unix.c, "
                         "mod_auth_pam.c, mod_sql.c, each optionally followed by * to make its answer final)")};
}

std::string_view auth_module_name(AuthModule module) noexcept {
    for (const KnownModule& known : kModules) {
        if (known.module == module && known.refusal.empty()) {
            return known.name;
        }
    }
    return module == AuthModule::sql ? "mod_sql.c" : "mod_auth_unix.c";
}

}  // namespace ward::config
