#include "daemon/auth/authenticator.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/auth/passwd_file.hpp"
#include "daemon/auth/password.hpp"
#include "daemon/auth/system_users.hpp"

namespace ward::auth {
namespace {

constexpr std::size_t kMaxUserName = 256;

struct Found {
    PasswdEntry entry;
    AuthSource source;
};

void log_warnings(const std::string& path, const std::vector<Warning>& warnings) {
    for (const auto& w : warnings) {
        log::warning(path, ":", w.line, ": skipping malformed entry: ", w.message);
    }
}

std::optional<Found> look_up_in(const AuthSettings& settings, AuthSource source, std::string_view name,
                               std::string& reason) {
    if (source == AuthSource::file) {
        if (settings.user_file.empty()) {
            return std::nullopt;
        }
        const auto text = read_auth_file(settings.user_file);
        if (!text) {
            log::error("AuthUserFile: ", text.error().message);
            reason = "AuthUserFile unreadable";
            return std::nullopt;
        }
        std::vector<Warning> warnings;
        auto entry = find_passwd(*text, name, &warnings);
        log_warnings(settings.user_file, warnings);
        if (entry) {
            return Found{std::move(*entry), AuthSource::file};
        }
    } else if (source == AuthSource::system) {
        if (auto entry = system_user(name)) {
            return Found{std::move(*entry), AuthSource::system};
        }
    }
    return std::nullopt;  // AuthSource::sql answers through settings.sql, with the password
}

std::optional<Found> look_up(const AuthSettings& settings, std::string_view name, std::string& reason) {
    for (const AuthSource source : settings.order) {
        if (auto found = look_up_in(settings, source, name, reason)) {
            return found;
        }
    }
    return std::nullopt;
}

// RootLogin and RequireValidShell, whichever source found the account.
std::optional<std::string> account_refusal(const AuthSettings& settings, uid_t uid, const std::string& shell) {
    if (uid == 0 && !settings.root_login) {
        return "User not authorized for login: root (RootLogin is off)";
    }
    if (settings.require_valid_shell && !shell_is_listed(shell)) {
        return str_cat("Invalid shell: '", shell, "' (not in /etc/shells; RequireValidShell)");
    }
    return std::nullopt;
}

std::string group_name_for(gid_t gid, const std::vector<GroupEntry>& file_groups) {
    for (const auto& g : file_groups) {
        if (g.gid == gid) {
            return g.name;
        }
    }
    if (auto name = system_group_name(gid)) {
        return *name;
    }
    return str_cat(gid);
}

Account to_account(const AuthSettings& settings, const Found& found) {
    Account account;
    account.name = found.entry.name;
    account.uid = found.entry.uid;
    account.gid = found.entry.gid;
    account.home = found.entry.home;
    account.shell = found.entry.shell;
    account.source = found.source;

    std::vector<GroupEntry> file_groups;
    if (!settings.group_file.empty()) {
        if (const auto text = read_auth_file(settings.group_file)) {
            std::vector<Warning> warnings;
            file_groups = read_groups(*text, &warnings);
            log_warnings(settings.group_file, warnings);
        } else {
            log::error("AuthGroupFile: ", text.error().message);
        }
    }
    if (found.source == AuthSource::system) {
        account.groups = system_groups_of(account.name, account.gid);
    } else {
        account.groups.push_back(account.gid);
        for (const auto& g : file_groups) {
            const bool member = std::find(g.members.begin(), g.members.end(), account.name) != g.members.end();
            if (member && g.gid != account.gid) {
                account.groups.push_back(g.gid);
            }
        }
    }
    account.group_name = group_name_for(account.gid, file_groups);
    for (const gid_t gid : account.groups) {
        account.group_names.push_back(group_name_for(gid, file_groups));
    }
    return account;
}

}  // namespace

bool acceptable_user_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > kMaxUserName) {
        return false;
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == '/' || c == ':') {
            return false;
        }
    }
    return true;
}

AuthOutcome authenticate(const AuthSettings& settings, std::string_view name, std::string_view password) {
    AuthOutcome outcome;
    if (!acceptable_user_name(name)) {
        (void)verify_against_dummy(password);
        outcome.reason = "unacceptable user name";
        return outcome;
    }
    if (settings.use_ftpusers && listed_in_ftpusers(name)) {
        (void)verify_against_dummy(password);
        outcome.reason = "User in /etc/ftpusers";
        return outcome;
    }
    for (const AuthSource source : settings.order) {
        if (source == AuthSource::sql) {
            if (!settings.sql) {
                continue;
            }
            auto answer = settings.sql(name, password);
            if (answer.kind == BackendAnswer::Kind::no_such_user) {
                continue;
            }
            if (answer.kind == BackendAnswer::Kind::error) {
                log::error("mod_sql.c: ", answer.reason);
                outcome.reason = str_cat("SQL backend error: ", answer.reason);
                continue;
            }
            if (answer.kind == BackendAnswer::Kind::refused || !answer.account) {
                outcome.reason = answer.reason;
                return outcome;
            }
            if (auto refusal = account_refusal(settings, answer.account->uid, answer.account->shell)) {
                outcome.reason = *refusal;
                return outcome;
            }
            outcome.account = std::move(answer.account);
            return outcome;
        }
        auto found = look_up_in(settings, source, name, outcome.reason);
        if (!found) {
            continue;
        }
        if (!verify_password(password, found->entry.hash)) {
            outcome.reason = "Incorrect password";
            return outcome;
        }
        if (auto refusal = account_refusal(settings, found->entry.uid, found->entry.shell)) {
            outcome.reason = *refusal;
            return outcome;
        }
        outcome.account = to_account(settings, *found);
        return outcome;
    }
    (void)verify_against_dummy(password);
    if (!outcome.reason.starts_with("SQL backend error")) {
        outcome.reason = "No such user found";
    }
    return outcome;
}

AuthOutcome find_account(const AuthSettings& settings, std::string_view name) {
    AuthOutcome outcome;
    if (!acceptable_user_name(name)) {
        outcome.reason = "unacceptable user name";
        return outcome;
    }
    auto found = look_up(settings, name, outcome.reason);
    if (!found) {
        outcome.reason = str_cat("no such user '", name, "'");
        return outcome;
    }
    if (found->entry.uid == 0 && !settings.root_login) {
        outcome.reason = "anonymous User is root (RootLogin is off)";
        return outcome;
    }
    outcome.account = to_account(settings, *found);
    return outcome;
}

}  // namespace ward::auth
