#pragma once
// USER/PASS checks in the monitor: AuthOrder over AuthUserFile and the system's accounts, with the
// refusals ProFTPD makes by default (RootLogin off, UseFtpUsers on, RequireValidShell on).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/auth/account.hpp"

namespace ward::auth {

// A source that runs outside this process (mod_sql.c's helper): it answers for a name and password, and the
// chain acts on the answer as for its own sources.
struct BackendAnswer {
    enum class Kind : std::uint8_t { no_such_user, authenticated, refused, error };
    Kind kind = Kind::error;
    std::optional<Account> account;  // authenticated only
    std::string reason;              // refused, error: for the log
};
using Backend = std::function<BackendAnswer(std::string_view name, std::string_view password)>;

struct AuthSettings {
    std::vector<AuthSource> order{AuthSource::file, AuthSource::system};  // AuthOrder
    std::string user_file;   // AuthUserFile; empty = none
    std::string group_file;  // AuthGroupFile; empty = none
    bool require_valid_shell = true;  // RequireValidShell
    bool root_login = false;          // RootLogin
    bool use_ftpusers = true;         // UseFtpUsers
    Backend sql;                      // AuthSource::sql; empty: SQL authentication is not configured
};

struct AuthOutcome {
    std::optional<Account> account;  // set on success
    std::string reason;              // why it failed, for the log only, in ProFTPD's words where it has them
                                     // (fail2ban's proftpd filter matches them); the client sees "Login incorrect."
};

// Checks a name and password. Unknown users cost the same CPU as known ones.
[[nodiscard]] AuthOutcome authenticate(const AuthSettings& settings, std::string_view name,
                                       std::string_view password);

// Finds an account without a password check (the User of an <Anonymous> context). Only the
// root-login rule applies; shells and ftpusers are not checked for anonymous logins, as in ProFTPD.
[[nodiscard]] AuthOutcome find_account(const AuthSettings& settings, std::string_view name);

// A user name a client may send: 1..256 bytes, no control characters, no '/' or ':'.
[[nodiscard]] bool acceptable_user_name(std::string_view name) noexcept;

}  // namespace ward::auth
