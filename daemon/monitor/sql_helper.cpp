#include "daemon/monitor/sql_helper.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"
#include "daemon/auth/system_users.hpp"
#include "daemon/sql/helper.hpp"
#include "sandbox/child_spec.hpp"

namespace ward::monitor {
namespace {

constexpr rlim_t kHelperFiles = 64;

using Variables = std::vector<std::pair<std::string, std::string>>;

Variables identity_variables(const SessionFacts& facts, std::string_view user, const std::string& server_name) {
    return {{"U", facts.login_name},
            {"u", std::string(user)},
            {"a", facts.client_address},
            {"h", facts.client_address},
            {"L", facts.local_address},
            {"p", std::to_string(facts.local_port)},
            {"P", std::to_string(facts.session_pid)},
            {"v", server_name},
            {"A", facts.anonymous ? facts.anonymous_password : std::string()},
            {"{protocol}", "ftp"}};
}

const char* transfer_status(exec::TransferStatus status) {
    switch (status) {
        case exec::TransferStatus::success: return "success";
        case exec::TransferStatus::failed: return "failed";
        case exec::TransferStatus::cancelled: return "cancelled";
        case exec::TransferStatus::timeout: return "timeout";
        case exec::TransferStatus::none: break;
    }
    return "-";
}

std::string real_path(const SessionFacts& facts, const std::string& path) {
    if (facts.chroot.empty() || facts.chroot == "/" || path.empty()) {
        return path;
    }
    const std::string root = facts.chroot.back() == '/' ? facts.chroot.substr(0, facts.chroot.size() - 1) : facts.chroot;
    return path == "/" ? root : root + path;
}

std::string clip(std::string value) {
    if (value.size() > sql::Limits::value) {
        value.resize(sql::Limits::value);
    }
    return value;
}

bool rule_matches(const sql::LogRule& rule, std::string_view command) {
    for (const auto& c : rule.commands) {
        if (c == "*" || c == command) {
            return true;
        }
    }
    return false;
}

}  // namespace

Result<sql::Message> SqlHelper::ask(const sql::Message& request) const {
    int pair[2] = {-1, -1};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        return sys::errno_error("socketpair");
    }
    UniqueFd mine(pair[0]);
    UniqueFd theirs(pair[1]);
    const pid_t pid = ::fork();
    if (pid < 0) {
        return sys::errno_error("fork");
    }
    if (pid == 0) {
        mine.reset();
        log::set_role("sql helper");
        sandbox::ChildSpec spec;
        spec.role = "sql helper";
        spec.keep_fds = setup_.keep_fds;
        spec.keep_fds.push_back(theirs.get());
        spec.rlimits = {{RLIMIT_NOFILE, kHelperFiles, kHelperFiles}, {RLIMIT_CORE, 0, 0}};
        spec.parent_death_signal = SIGKILL;
        if (setup_.uid && setup_.gid) {
            spec.groups = std::vector<gid_t>{*setup_.gid};
            spec.gid = setup_.gid;
            spec.uid = setup_.uid;
        }
        if (setup_.policy != nullptr) {
            spec.seccomp = *setup_.policy;
        }
        if (auto applied = sandbox::apply(spec); !applied) {
            log::error("sql helper: ", applied.error().message);
            ::_exit(3);
        }
        ::_exit(sql::serve_one(*setup_.settings, theirs.get()));
    }
    theirs.reset();
    Result<sql::Message> answer = Error{"not asked"};
    if (auto sent = sql::send_message(mine.get(), request); !sent) {
        answer = std::move(sent).error();
    } else {
        answer = sql::receive_message(mine.get(), static_cast<int>(setup_.timeout.count()));
    }
    (void)::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!answer) {
        std::string how;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
            how = " (the helper made a system call its seccomp policy forbids)";
        }
        return Error{str_cat("SQL helper: ", answer.error().message, how)};
    }
    return answer;
}

void SqlHelper::note(std::string_view text) const {
    if (setup_.log_fd < 0) {
        return;
    }
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char stamp[32];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    const std::size_t length = std::strftime(stamp, sizeof stamp, "%b %d %H:%M:%S", &local);
    (void)sys::write_all(setup_.log_fd, str_cat(std::string_view(stamp, length), " mod_sql[", ::getpid(), "]: ",
                                                escape_for_log(text), "\n"));
}

auth::BackendAnswer SqlHelper::to_backend_answer(const sql::Settings& settings, sql::LookupAnswer answer) {
    auth::BackendAnswer out;
    out.reason = std::move(answer.reason);
    switch (answer.status) {
        case sql::LookupStatus::no_such_user: out.verdict = auth::Verdict::no_such_user; return out;
        case sql::LookupStatus::refused: out.verdict = auth::Verdict::refused; return out;
        case sql::LookupStatus::error: out.verdict = auth::Verdict::error; return out;
        case sql::LookupStatus::authenticated: break;
    }
    if (answer.name.empty() || answer.home.empty() || answer.home.front() != '/') {
        out.verdict = auth::Verdict::error;
        out.reason = "the SQL helper answered without a name or an absolute home";
        return out;
    }
    auth::Account account;
    account.name = std::move(answer.name);
    account.uid = answer.uid < settings.min_uid ? settings.default_uid : static_cast<uid_t>(answer.uid);
    account.gid = answer.gid < settings.min_gid ? settings.default_gid : static_cast<gid_t>(answer.gid);
    if (account.uid != answer.uid || account.gid != answer.gid) {
        log::info("mod_sql.c: ", account.name, "'s ids ", answer.uid, "/", answer.gid, " are below SQLMinUserUID ",
                  settings.min_uid, "/SQLMinUserGID ", settings.min_gid, "; using ", account.uid, "/", account.gid);
    }
    account.home = std::move(answer.home);
    account.shell = std::move(answer.shell);
    account.source = auth::AuthSource::sql;
    account.group_name = !answer.group_name.empty() ? answer.group_name
                                                    : auth::system_group_name(account.gid).value_or(str_cat(account.gid));
    account.groups.push_back(account.gid);
    account.group_names.push_back(account.group_name);
    for (const auto& [gid, name] : answer.groups) {
        // Supplementary groups obey the same floor as the primary one.
        if (gid < settings.min_gid || gid == account.gid) {
            continue;
        }
        account.groups.push_back(static_cast<gid_t>(gid));
        account.group_names.push_back(name);
    }
    out.verdict = auth::Verdict::authenticated;
    out.account = std::move(account);
    return out;
}

auth::BackendAnswer SqlHelper::authenticate(const SessionFacts& facts, std::string_view name,
                                            std::string_view password) const {
    sql::LookupRequest request;
    request.variables = identity_variables(facts, name, setup_.server_name);
    // %U is the name the user query is asked about: the login name after UserAlias, as mod_sql sees it.
    request.variables.front().second = std::string(name);
    request.password = std::string(password);
    auto answer = ask(request);
    ::explicit_bzero(request.password.data(), request.password.size());
    auth::BackendAnswer out;
    out.verdict = auth::Verdict::error;
    if (!answer) {
        out.reason = answer.error().message;
    } else if (auto* lookup = std::get_if<sql::LookupAnswer>(&*answer); lookup == nullptr) {
        out.reason = "the SQL helper answered a lookup with another message";
    } else {
        out = to_backend_answer(*setup_.settings, std::move(*lookup));
    }
    note(str_cat("user '", name, "': ",
                 out.verdict == auth::Verdict::authenticated ? std::string("authenticated") : out.reason));
    return out;
}

auth::BackendAnswer SqlBackend::authenticate(std::string_view name, std::string_view password) {
    if (!helper_.authenticates()) {
        return {auth::Verdict::no_such_user, std::nullopt, "SQLAuthenticate does not look users up"};
    }
    auth::BackendAnswer answer = helper_.authenticate(facts_, name, password);
    if (answer.verdict == auth::Verdict::error) {
        answer.reason = str_cat("SQL backend error: ", answer.reason);
    }
    return answer;
}

bool SqlHelper::log(exec::HookPoint point, const exec::CommandEvent& event, const SessionFacts& facts) const {
    const bool failed = point == exec::HookPoint::on_error;
    if (point != exec::HookPoint::on_command && !failed) {
        return true;
    }
    bool ok = true;
    for (const auto& rule : setup_.settings->log_rules) {
        if (rule.on_error != failed || !rule_matches(rule, event.command)) {
            continue;
        }
        const std::string user = facts.account ? facts.account->name : std::string();
        sql::LogRequest request;
        request.query = rule.query;
        request.variables = identity_variables(facts, user, setup_.server_name);
        const auto add = [&](const char* name, std::string value) { request.variables.emplace_back(name, clip(std::move(value))); };
        add("b", std::to_string(event.bytes));
        add("f", real_path(facts, event.path));
        add("F", event.path);
        add("d", event.cwd);
        add("J", event.arguments);
        add("m", event.command);
        add("r", event.command_line);
        add("s", std::to_string(event.reply_code));
        add("S", event.reply_text);
        char seconds[32];  // NOLINT(cppcoreguidelines-avoid-c-arrays)
        (void)std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(event.transfer_millis) / 1000.0);
        add("T", seconds);
        add("{transfer-millisecs}", std::to_string(event.transfer_millis));
        add("{transfer-status}", transfer_status(event.transfer_status));
        add("{file-size}", event.file_size ? std::to_string(*event.file_size) : std::string("-"));
        auto answer = ask(request);
        std::string error;
        if (!answer) {
            error = answer.error().message;
        } else if (const auto* log_answer = std::get_if<sql::LogAnswer>(&*answer); log_answer == nullptr) {
            error = "the SQL helper answered a log request with another message";
        } else if (!log_answer->ok) {
            error = log_answer->error;
        }
        if (!error.empty()) {
            note(str_cat("SQLLog ", event.command, " ", rule.query, ": ", error));
            log::error("SQLLog ", event.command, " ", rule.query, " (", rule.where, "): ", error);
            ok = ok && rule.ignore_errors;
        }
    }
    return ok;
}

std::vector<std::string> SqlHelper::check() const {
    auto answer = ask(sql::CheckRequest{});
    if (!answer) {
        return {answer.error().message};
    }
    auto* check = std::get_if<sql::CheckAnswer>(&*answer);
    if (check == nullptr) {
        return {"the SQL helper answered a check with another message"};
    }
    return std::move(check->problems);
}

}  // namespace ward::monitor
