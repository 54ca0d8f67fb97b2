#include "daemon/auth/authenticator.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/auth/passwd_file.hpp"
#include "daemon/auth/password.hpp"
#include "daemon/auth/shadow_aging.hpp"
#include "daemon/auth/system_users.hpp"

namespace ward::auth {
namespace {

constexpr std::size_t kMaxUserName = 256;

struct Found {
    PasswdEntry entry;
    AuthSource source;
    std::optional<Account> account;  // a source's own account with its groups (BackendAnswer::account)
};

Found found_account(Account account) {
    PasswdEntry entry;
    entry.name = account.name;
    entry.uid = account.uid;
    entry.gid = account.gid;
    entry.home = account.home;
    entry.shell = account.shell;
    const AuthSource source = account.source;
    return Found{std::move(entry), source, std::move(account)};
}

void log_warnings(const std::string& path, const std::vector<Warning>& warnings) {
    for (const auto& w : warnings) {
        log::warning(path, ":", w.line, ": skipping malformed entry: ", w.message);
    }
}

// mod_auth_file.c: AuthUserFile.
class FileBackend final : public Backend {
public:
    explicit FileBackend(const AuthSettings& settings) : settings_(settings) {}
    BackendAnswer authenticate(std::string_view name, std::string_view password) override {
        auto entry = find(name);
        if (!entry) {
            return {Verdict::no_such_user, std::nullopt, "No such user found"};
        }
        if (!verify_password(password, entry->hash)) {
            return {Verdict::refused, std::nullopt, "Incorrect password"};
        }
        return {Verdict::authenticated, std::move(entry), {}};
    }
    std::optional<PasswdEntry> find(std::string_view name) override {
        if (settings_.user_file.empty()) {
            return std::nullopt;
        }
        const auto text = read_auth_file(settings_.user_file);
        if (!text) {
            log::error("AuthUserFile: ", text.error().message);
            return std::nullopt;
        }
        std::vector<Warning> warnings;
        auto entry = find_passwd(*text, name, &warnings);
        log_warnings(settings_.user_file, warnings);
        return entry;
    }

private:
    const AuthSettings& settings_;
};

// mod_auth_unix.c: the system's accounts, with shadow aging checked once the password matched.
class SystemBackend final : public Backend {
public:
    BackendAnswer authenticate(std::string_view name, std::string_view password) override {
        auto entry = system_user(name);
        if (!entry) {
            return {Verdict::no_such_user, std::nullopt, "No such user found"};
        }
        if (!verify_password(password, entry->hash)) {
            return {Verdict::refused, std::nullopt, "Incorrect password"};
        }
        if (const auto aging = shadow_aging(entry->name)) {
            if (auto refusal = aging_refusal(*aging, days_since_epoch())) {
                log::notice("mod_auth_unix: ", entry->name, ": ", refusal->detail);
                return {Verdict::refused, std::nullopt, std::move(refusal->words)};
            }
        }
        return {Verdict::authenticated, std::move(entry), {}};
    }
    std::optional<PasswdEntry> find(std::string_view name) override { return system_user(name); }
};

struct Chain {
    FileBackend file;
    SystemBackend system;
    const Backends& external;

    Backend* backend(AuthSource source) {
        switch (source) {
            case AuthSource::file: return &file;
            case AuthSource::system: return &system;
            case AuthSource::pam: return external.pam;
            case AuthSource::sql: return external.sql;
        }
        return nullptr;
    }
};

std::string_view source_name(AuthSource source) {
    switch (source) {
        case AuthSource::file: return "mod_auth_file.c";
        case AuthSource::system: return "mod_auth_unix.c";
        case AuthSource::pam: return "mod_auth_pam.c";
        case AuthSource::sql: return "mod_sql.c";
    }
    return "?";
}

// The account of a name from the order's account sources (every entry but PAM), first that knows it.
std::optional<Found> look_up(const AuthSettings& settings, Chain& chain, std::string_view name) {
    for (const AuthStep& step : settings.order) {
        if (step.source == AuthSource::pam) {
            continue;
        }
        Backend* backend = chain.backend(step.source);
        if (backend == nullptr) {
            continue;
        }
        if (auto entry = backend->find(name)) {
            return Found{std::move(*entry), step.source, std::nullopt};
        }
    }
    return std::nullopt;
}

struct ChainResult {
    std::optional<Found> found;
    std::string reason;
};

// Walks AuthOrder as described in authenticator.hpp.
ChainResult run_chain(const AuthSettings& settings, Chain& chain, std::string_view name, std::string_view password) {
    bool password_checked = false;
    for (const AuthStep& step : settings.order) {
        if (step.source == AuthSource::pam && !settings.pam) {
            continue;  // AuthPAM off: mod_auth_pam.c declines
        }
        Backend* backend = chain.backend(step.source);
        if (backend == nullptr) {
            return {std::nullopt, str_cat(source_name(step.source), " is in AuthOrder but not available")};
        }
        BackendAnswer answer = backend->authenticate(name, password);
        password_checked = password_checked || answer.verdict != Verdict::no_such_user;
        switch (answer.verdict) {
            case Verdict::authenticated: {
                if (answer.account) {
                    answer.account->source = step.source;
                    return {found_account(std::move(*answer.account)), {}};
                }
                if (answer.entry) {
                    return {Found{std::move(*answer.entry), step.source, std::nullopt}, {}};
                }
                auto found = look_up(settings, chain, name);
                if (!found) {
                    return {std::nullopt, "No such user found"};
                }
                return {std::move(found), {}};
            }
            case Verdict::error:
                return {std::nullopt, str_cat(source_name(step.source), ": ", answer.reason)};
            case Verdict::refused:
                if (step.source == AuthSource::pam && !step.authoritative) {
                    log::notice("mod_auth_pam: ", name, ": ", answer.reason, " (not authoritative: next module)");
                    continue;
                }
                return {std::nullopt, std::move(answer.reason)};
            case Verdict::no_such_user:
                if (step.authoritative) {
                    return {std::nullopt, "No such user found"};
                }
                continue;
        }
    }
    if (!password_checked) {
        (void)verify_against_dummy(password);
    }
    return {std::nullopt, "No such user found"};
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
    if (found.account) {
        return *found.account;
    }
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

AuthOutcome authenticate(const AuthSettings& settings, std::string_view name, std::string_view password,
                         const Backends& backends) {
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
    Chain chain{FileBackend(settings), SystemBackend(), backends};
    auto result = run_chain(settings, chain, name, password);
    if (!result.found) {
        outcome.reason = std::move(result.reason);
        return outcome;
    }
    const Found& found = *result.found;
    if (found.entry.uid == 0 && !settings.root_login) {
        outcome.reason = "User not authorized for login: root (RootLogin is off)";
        return outcome;
    }
    if (settings.require_valid_shell && !shell_is_listed(found.entry.shell)) {
        outcome.reason = str_cat("Invalid shell: '", found.entry.shell, "' (not in /etc/shells; RequireValidShell)");
        return outcome;
    }
    outcome.account = to_account(settings, found);
    return outcome;
}

std::optional<gid_t> find_group_id(const AuthSettings& settings, std::string_view name) {
    const bool file = std::any_of(settings.order.begin(), settings.order.end(),
                                  [](const AuthStep& s) { return s.source == AuthSource::file; });
    if (file && !settings.group_file.empty()) {
        if (const auto text = read_auth_file(settings.group_file)) {
            for (const auto& g : read_groups(*text)) {
                if (g.name == name) {
                    return g.gid;
                }
            }
        }
    }
    return system_group_id(name);
}

AuthOutcome find_account(const AuthSettings& settings, std::string_view name, const Backends& backends) {
    AuthOutcome outcome;
    if (!acceptable_user_name(name)) {
        outcome.reason = "unacceptable user name";
        return outcome;
    }
    Chain chain{FileBackend(settings), SystemBackend(), backends};
    auto found = look_up(settings, chain, name);
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
