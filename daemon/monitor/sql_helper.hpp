#pragma once
// mod_sql.c from the monitor's side. The monitor never links a database conversation into itself: for each
// login attempt, SQLLog row and -t check it forks an SQL helper that drops to the server's unprivileged
// User/Group, closes every descriptor but one socket, installs the sql_helper seccomp policy, talks to the
// database and sends one typed, bounded answer (daemon/sql/messages.hpp). The monitor kills it if it has not
// answered in time. The monitor then applies what it enforces itself: SQLMinUserUID/SQLMinUserGID (ids below
// them become SQLDefaultUID/SQLDefaultGID, as in ProFTPD), and the %-variables it knows (%u, %U, %a, %L, ...)
// come from its own facts, never from a worker.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/auth/authenticator.hpp"
#include "daemon/monitor/session_facts.hpp"
#include "daemon/sql/messages.hpp"
#include "daemon/sql/settings.hpp"
#include "exec/hook_event.hpp"
#include "sandbox/seccomp_policy.hpp"

namespace ward::monitor {

struct SqlHelperSetup {
    std::shared_ptr<const sql::Settings> settings;
    const sandbox::CompiledPolicy* policy = nullptr;  // sql_helper
    std::optional<uid_t> uid;                         // the server's User (when started as root)
    std::optional<gid_t> gid;
    std::vector<int> keep_fds;                        // the log's descriptors, besides the socket
    std::string server_name;                          // %v
    int log_fd = -1;                                  // SQLLogFile (-1: none)
    std::chrono::milliseconds timeout{15000};
};

class SqlHelper {
public:
    explicit SqlHelper(SqlHelperSetup setup) : setup_(std::move(setup)) {}

    [[nodiscard]] bool authenticates() const noexcept { return setup_.settings && setup_.settings->auth; }

    // The chain's mod_sql.c answer for `name` (the login name after UserAlias) and `password`.
    [[nodiscard]] auth::BackendAnswer authenticate(const SessionFacts& facts, std::string_view name,
                                                   std::string_view password) const;
    // SQLLog: runs the rules for this command event. Errors are logged; a rule without IGNORE_ERRORS makes
    // the result false (ProFTPD ends such a session).
    [[nodiscard]] bool log(exec::HookPoint point, const exec::CommandEvent& event, const SessionFacts& facts) const;
    // -t: connects and prepares every query; the problems, each naming file:line where it has one.
    [[nodiscard]] std::vector<std::string> check() const;

    // Maps one decoded answer to an account, applying SQLMinUserUID/SQLMinUserGID.
    [[nodiscard]] static auth::BackendAnswer to_backend_answer(const sql::Settings& settings, sql::LookupAnswer answer);

private:
    [[nodiscard]] Result<sql::Message> ask(const sql::Message& request) const;
    void note(std::string_view text) const;  // a line of SQLLogFile

    SqlHelperSetup setup_;
};

// mod_sql.c as an entry of the AuthOrder chain (auth::Backends::sql) for one session's facts. A backend error
// ends the attempt (the chain fails closed); its reason keeps the "SQL backend error" words for the log.
class SqlBackend final : public auth::Backend {
public:
    SqlBackend(const SqlHelper& helper, const SessionFacts& facts) : helper_(helper), facts_(facts) {}
    [[nodiscard]] auth::BackendAnswer authenticate(std::string_view name, std::string_view password) override;
    // mod_sql.c's user query is only asked with a password here: it holds no account for the chain's
    // lookups without one (a PAM login's account, the anonymous User); those come from the other entries.
    [[nodiscard]] std::optional<auth::PasswdEntry> find(std::string_view /*name*/) override { return std::nullopt; }

private:
    const SqlHelper& helper_;
    const SessionFacts& facts_;
};

}  // namespace ward::monitor
