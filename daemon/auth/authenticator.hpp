#pragma once
// USER/PASS checks in the monitor: the AuthOrder chain over AuthUserFile, the system's accounts, PAM and
// (when built) SQL, with the refusals ProFTPD makes by default (RootLogin off, UseFtpUsers on,
// RequireValidShell on).
//
// The chain, as ProFTPD 1.3.8's src/auth.c dispatches it: each AuthOrder entry is asked in turn.
//   - A backend that does not know the name lets the next entry try.
//   - A backend that knows the name and refuses it (wrong password, account expired) ends the attempt, as
//     ProFTPD's mod_auth_unix/mod_auth_file do by answering with an error.
//   - mod_auth_pam.c is the exception ProFTPD makes: unless it is authoritative, a PAM failure lets the next
//     entry try (mod_auth_pam answers DECLINED).
//   - An entry written with '*' is authoritative: whatever it answers ends the attempt, "no such user"
//     included.
//   - A backend error (helper crashed or timed out, database gone) always ends the attempt: failing closed.
// PAM authenticates a name but has no account database; the account of a PAM login comes from the other
// account sources of the order (as ProFTPD's getpwnam goes to mod_auth_unix and friends).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/auth/account.hpp"
#include "daemon/auth/passwd_file.hpp"

namespace ward::auth {

struct AuthStep {
    AuthSource source = AuthSource::system;
    bool authoritative = false;  // AuthOrder's '*'
    bool operator==(const AuthStep&) const = default;
};

struct AuthSettings {
    std::vector<AuthStep> order{{AuthSource::file}, {AuthSource::system}};  // AuthOrder
    std::string user_file;   // AuthUserFile; empty = none
    std::string group_file;  // AuthGroupFile; empty = none
    bool require_valid_shell = true;  // RequireValidShell
    bool root_login = false;          // RootLogin
    bool use_ftpusers = true;         // UseFtpUsers
    bool pam = true;                  // AuthPAM: off makes mod_auth_pam.c decline every name, as in ProFTPD
    std::string pam_service = "ftp";  // AuthPAMConfig
    bool pam_tty = true;              // PAM_TTY is set unless AuthPAMOptions NoTTY
    std::chrono::seconds pam_timeout{30};  // AuthPAMTimeout: the PAM helper is killed after this long
};

// ---- The backend interface (what a source plugged into the chain implements) ----
//
// A backend answers one of four things for a name and password. `reason` is for the log, in ProFTPD's
// words after "USER name (Login failed): " ("Incorrect password", "Account disabled", "Password expired");
// the client only ever sees "530 Login incorrect.".
enum class Verdict : std::uint8_t {
    no_such_user,   // the backend does not know the name: the next entry may try
    authenticated,  // name and password accepted; `entry` is the account (PAM: empty, looked up elsewhere)
    refused,        // the backend knows the name and says no
    error,          // the backend could not answer (helper killed, database down): the attempt ends
};

struct BackendAnswer {
    Verdict verdict = Verdict::no_such_user;
    std::optional<PasswdEntry> entry;  // set with `authenticated` by sources that hold accounts
    std::string reason;
    // Set with `authenticated` instead of `entry` by a source that resolves the groups itself (mod_sql.c's
    // SQLGroupInfo): the chain then takes the account as it is, after RootLogin and RequireValidShell.
    std::optional<Account> account{};
};

class Backend {
public:
    Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;
    virtual ~Backend() = default;
    // Checks a password. Must not throw; a failure to answer is Verdict::error with the reason.
    [[nodiscard]] virtual BackendAnswer authenticate(std::string_view name, std::string_view password) = 0;
    // The account without a password check (anonymous User, and the account of a PAM login); nullopt when
    // the backend has no account by that name or holds no accounts at all.
    [[nodiscard]] virtual std::optional<PasswdEntry> find(std::string_view name) = 0;
};

// Backends that live outside this file (the monitor's PAM helper, SQL); null when not available, and an
// AuthOrder entry naming an unavailable backend ends the attempt with an error.
struct Backends {
    Backend* pam = nullptr;
    Backend* sql = nullptr;
};

struct AuthOutcome {
    std::optional<Account> account;  // set on success
    std::string reason;              // why it failed, for the log only, in ProFTPD's words where it has them
                                     // (fail2ban's proftpd filter matches them); the client sees "Login incorrect."
};

// Checks a name and password. Unknown users cost the same CPU as known ones.
[[nodiscard]] AuthOutcome authenticate(const AuthSettings& settings, std::string_view name,
                                       std::string_view password, const Backends& backends = {});

// Finds an account without a password check (the User of an <Anonymous> context). Only the
// root-login rule applies; shells and ftpusers are not checked for anonymous logins, as in ProFTPD.
[[nodiscard]] AuthOutcome find_account(const AuthSettings& settings, std::string_view name,
                                       const Backends& backends = {});

// A group's id by name the way ProFTPD's pr_auth_getgrnam asks the modules of AuthOrder: AuthGroupFile for
// mod_auth_file.c, the system's database for mod_auth_unix.c (always asked last, as for the anonymous User).
[[nodiscard]] std::optional<gid_t> find_group_id(const AuthSettings& settings, std::string_view name);

// A user name a client may send: 1..256 bytes, no control characters, no '/' or ':'.
[[nodiscard]] bool acceptable_user_name(std::string_view name) noexcept;

}  // namespace ward::auth
