#include "daemon/monitor/session_monitor.hpp"

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/auth/system_users.hpp"
#include "daemon/monitor/hook_gate.hpp"
#include "daemon/monitor/privileged_socket.hpp"

namespace ward::monitor {
namespace {

constexpr auto kWorkerExitGrace = std::chrono::milliseconds(2000);
// The worker answers TimeoutLogin itself, with its reply; the monitor's deadline is this much later, so it
// acts only when the worker did not.
constexpr auto kLoginTimeoutGrace = std::chrono::milliseconds(2000);

void wipe(std::string& secret) {
    if (!secret.empty()) {
        ::explicit_bzero(secret.data(), secret.size());
    }
    secret.clear();
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) {
        return str_cat("exited with status ", WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = ::sigabbrev_np(sig);
        std::string text = str_cat("killed by signal ", sig, " (SIG", name != nullptr ? name : "?", ")");
        if (sig == SIGSYS) {
            text += ": it made a system call its seccomp policy forbids";
        }
        return text;
    }
    return str_cat("ended with status ", status);
}

// The session's "/" and the starting directory inside it.
std::string initial_cwd(const std::string& home, const std::string& chroot) {
    if (chroot.empty()) {
        return home.empty() ? std::string("/") : home;
    }
    if (home == chroot) {
        return "/";
    }
    const std::string prefix = chroot.back() == '/' ? chroot : chroot + "/";
    if (home.starts_with(prefix)) {
        return "/" + home.substr(prefix.size());
    }
    return "/";
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

SessionMonitor::SessionMonitor(MonitorSetup setup) : setup_(std::move(setup)) {}

SessionMonitor::~SessionMonitor() { stop_worker(); }

Result<void> SessionMonitor::start_worker_preauth() {
    auto pair = ipc::Channel::make_pair();
    if (!pair) {
        return std::move(pair).error();
    }
    auto started = setup_.launcher->start_preauth(std::move(pair->second));
    if (!started) {
        return std::move(started).error();
    }
    channel_ = std::move(pair->first);
    channel_.set_send_timeout(setup_.send_timeout);
    worker_ = std::move(*started);
    if (setup_.login_timeout.count() > 0) {
        deadline_ = Clock::now() + setup_.login_timeout + kLoginTimeoutGrace;
    }
    return {};
}

std::string SessionMonitor::run() {
    report_hook_runs();  // the connect hooks, which ran before this monitor started
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    const UniqueFd signals(::signalfd(-1, &term, SFD_CLOEXEC | SFD_NONBLOCK));
    ::sigprocmask(SIG_BLOCK, &term, nullptr);

    if (auto started = start_worker_preauth(); !started) {
        log::error("cannot start the pre-auth worker: ", started.error().message);
        end_session("internal error", true);
        return setup_.facts.end_reason;
    }
    while (true) {
        std::array<pollfd, 4> fds{};
        fds[0] = {channel_.valid() ? channel_.fd() : -1, POLLIN, 0};
        fds[1] = {worker_.pidfd.get(), POLLIN, 0};
        fds[2] = {signals.get(), POLLIN, 0};
        fds[3] = {relay_.pidfd.get(), POLLIN, 0};
        int timeout = -1;
        if (deadline_ != Clock::time_point::max()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
            timeout = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
        }
        const int ready = ::poll(fds.data(), fds.size(), timeout);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready == 0) {
            if (deadline_passed() == Next::end) {
                break;
            }
            continue;
        }
        if (fds[2].revents != 0) {
            end_session("server shutting down", true);
            break;
        }
        // What the worker has sent is read before its exit is handled: its last log records and its session_end
        // come just before it ends. Bounded per wake-up, so a flood cannot hold off signals and deadlines.
        constexpr int kMessagesPerWakeup = 64;
        bool stop = false;
        for (int n = 0; fds[0].revents != 0 && !stop && channel_.valid() && n < kMessagesPerWakeup; ++n) {
            auto received = channel_.receive();
            if (!received) {
                if (channel_.last_failure() != ipc::Failure::peer_closed) {
                    log::error("worker sent a malformed message (", received.error().message,
                               "); ending the session");
                    end_session("protocol violation", true);
                    stop = true;
                    break;
                }
                channel_.close();  // the worker is ending; its exit arrives through the pidfd
                break;
            }
            stop = handle(std::move(*received)) == Next::end;
            pollfd more{channel_.valid() ? channel_.fd() : -1, POLLIN, 0};
            if (::poll(&more, 1, 0) <= 0) {
                break;
            }
        }
        if (stop) {
            break;
        }
        if (fds[3].revents != 0) {
            relay_exited();
        }
        if (fds[1].revents != 0 && worker_exited() == Next::end) {
            break;
        }
    }
    await_relay();
    if (setup_.hooks != nullptr) {
        (void)setup_.hooks->dispatch(exec::HookPoint::on_exit, exec::CommandEvent{}, setup_.facts);
    }
    report_hook_runs();
    return setup_.facts.end_reason;
}

Next SessionMonitor::deadline_passed() {
    if (handover_pending_) {
        log::warning("pre-auth worker did not exit after the hand-over; killing it");
        (void)::kill(worker_.pid, SIGKILL);
        deadline_ = Clock::time_point::max();
        return Next::carry_on;  // its exit arrives through the pidfd
    }
    if (phase_ == Phase::authenticated) {
        log::error("no hand-over from the pre-auth worker after login; ending the session");
        end_session("internal error", true);
        return Next::end;
    }
    if (closing_after_auth_) {
        log::warning("pre-auth worker did not end the session after MaxLoginAttempts; the monitor ends it");
        end_session("too many failed logins", false);
        return Next::end;
    }
    const auto seconds = setup_.login_timeout.count();
    log::notice("TimeoutLogin (", seconds, " seconds) passed without a login; the monitor ends the session");
    tell_client(str_cat("421 Login timeout (", seconds, " seconds): closing control connection\r\n"));
    end_session("TimeoutLogin", false);
    return Next::end;
}

Next Answers::authentication(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_authentication(std::get<ipc::AuthRequest>(request.message));
}
Next Answers::handover(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_handover(std::get<ipc::HandoverRequest>(request.message));
}
Next Answers::hooks(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_hooks(std::get<ipc::HookRequest>(request.message));
}
Next Answers::privileged_data_connection(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_privileged_data_connection(std::get<ipc::DataSocketRequest>(request.message));
}
Next Answers::session_end(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_session_end(std::get<ipc::SessionEnd>(request.message));
}
Next Answers::signature(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.answer_signature(std::get<ipc::SignatureRequest>(request.message));
}
Next Answers::log_record(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.write_worker_log(std::get<ipc::LogRecord>(request.message));
}

// Never answered; WorkerLog refuses what a phase may not send (a TransferLog line before login).
Next Answers::activity(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.pass_activity(std::get<ipc::WorkerActivity>(request.message));
}

Next SessionMonitor::pass_activity(const ipc::WorkerActivity& activity) {
    constexpr auto kInterval = std::chrono::milliseconds(500);
    const auto now = Clock::now();
    if (!setup_.report_activity || (activity.command == activity_command_ && now - activity_passed_ < kInterval)) {
        return Next::carry_on;
    }
    activity_passed_ = now;
    activity_command_ = activity.command;
    setup_.report_activity(ipc::SessionActivity{activity});
    return Next::carry_on;
}

Next Answers::transfer(SessionMonitor& monitor, ipc::Received& request) {
    return monitor.pass_transfer(std::get<ipc::TransferReport>(request.message));
}

// The worker's word, passed on as such: one transfer of its result, and its bytes.
Next SessionMonitor::pass_transfer(const ipc::TransferReport& transfer) {
    using Kind = ipc::SessionEvent::Kind;
    const bool up = transfer.incoming;
    Kind result = up ? Kind::upload_failed : Kind::download_failed;
    switch (transfer.status) {
        case exec::TransferStatus::success: result = up ? Kind::upload_complete : Kind::download_complete; break;
        case exec::TransferStatus::cancelled: result = up ? Kind::upload_aborted : Kind::download_aborted; break;
        case exec::TransferStatus::timeout: result = up ? Kind::upload_timeout : Kind::download_timeout; break;
        case exec::TransferStatus::failed:
        case exec::TransferStatus::none: break;  // none: the decoder refuses it
    }
    report(result);
    report(up ? Kind::upload_bytes : Kind::download_bytes, transfer.bytes);
    return Next::carry_on;
}

Next SessionMonitor::write_worker_log(const ipc::LogRecord& record) {
    if (auto written = setup_.worker_log.write(record, setup_.facts, worker_.pid, phase_ == Phase::postauth);
        !written) {
        return violation(str_cat("sent ", written.error().message));
    }
    return Next::carry_on;
}

Next SessionMonitor::handle(ipc::Received received) {
    const ipc::MessageType type = ipc::type_of(received.message);
    const std::size_t index = find_permission(type, phase_);
    if (index == kRequestTable.size() || received.fd.valid()) {
        return violation(str_cat("sent ", ipc::type_name(type), received.fd.valid() ? " with an fd" : "", " in the ",
                                 phase_name(phase_), " phase, which is not allowed"));
    }
    const Permission& permission = kRequestTable[index];
    if (counts_[index] >= permission.max_per_phase) {
        return violation(str_cat("sent ", ipc::type_name(type), " more often than allowed in the ", phase_name(phase_),
                                 " phase (", permission.max_per_phase, ")"));
    }
    ++counts_[index];
    return permission.handler(*this, received);
}

Next SessionMonitor::violation(const std::string& what) {
    log::error("worker ", what, "; ending the session");
    end_session("protocol violation", true);
    return Next::end;
}

Next SessionMonitor::answer(const ipc::Message& message, int fd) {
    if (auto sent = channel_.send(message, fd); !sent) {
        log::error("cannot answer the worker: ", sent.error().message);
        end_session("internal error", false);
        return Next::end;
    }
    return Next::carry_on;
}

Next SessionMonitor::refuse_login(const LoginRefusal& refusal) {
    log::notice("Connection refused (", refusal.limit, ") for ", setup_.facts.login_name, " from ",
                setup_.facts.client_address);
    tell_client(str_cat("530 ", refusal.reply, "\r\n"));
    end_session(str_cat("Denied by ", refusal.limit), false);
    return Next::end;
}

Next SessionMonitor::answer_authentication(ipc::AuthRequest& request) {
    const auto started = Clock::now();
    const LoginRules& rules = *setup_.rules;
    SessionFacts& facts = setup_.facts;
    if (closing_after_auth_) {
        wipe(request.password);
        return violation(str_cat("sent auth_request after MaxLoginAttempts (", rules.max_login_attempts(),
                                 ") was reached"));
    }
    if (setup_.tls_required_for_login && preauth_signatures_ == 0) {
        wipe(request.password);
        return violation("asked to log in before the TLS handshake that TLSRequired asks for");
    }
    facts.login_name = request.user;

    std::optional<auth::Account> account;
    std::string reason;
    std::string chroot;
    const auto anonymous = rules.anonymous_for(request.user);
    if (anonymous) {
        // The anonymous User is the local account the session runs as: the system's database is always
        // consulted for it, after whatever AuthOrder names.
        auth::AuthSettings settings = rules.auth_settings();
        const bool has_system = std::any_of(settings.order.begin(), settings.order.end(),
                                            [](const auth::AuthStep& s) { return s.source == auth::AuthSource::system; });
        if (!has_system) {
            settings.order.push_back(auth::AuthStep{auth::AuthSource::system});
        }
        auto found = auth::find_account(settings, anonymous->account);
        reason = found.reason;
        account = std::move(found.account);
        if (account && !anonymous->group.empty()) {
            if (const auto gid = auth::find_group_id(settings, anonymous->group)) {
                account->gid = *gid;
                account->group_name = anonymous->group;
                account->groups = {*gid};
                account->group_names = {anonymous->group};
            } else {
                reason = str_cat("anonymous Group '", anonymous->group, "' does not exist");
                account.reset();
            }
        }
        chroot = anonymous->root;
    } else {
        std::optional<SqlBackend> sql;
        if (setup_.sql != nullptr) {
            sql.emplace(*setup_.sql, setup_.facts);
        }
        auto outcome = auth::authenticate(rules.auth_settings(), rules.resolve_alias(request.user), request.password,
                                          auth::Backends{.pam = setup_.pam, .sql = sql ? &*sql : nullptr});
        reason = outcome.reason;
        account = std::move(outcome.account);
        if (account) {
            chroot = rules.default_root_for(*account).value_or("");
        }
    }
    if (account && !rules.login_allowed(*account, anonymous.has_value(), ClientInfo{facts.client_address})) {
        reason = "<Limit LOGIN> denies this login";
        account.reset();
    }
    if (account && !chroot.empty() && !is_directory(chroot)) {
        reason = str_cat("its root directory ", chroot, " does not exist or is not a directory");
        account.reset();
    }

    if (account && setup_.admission != nullptr) {
        if (auto refused = setup_.admission->admit(account->name, request.user)) {
            wipe(request.password);
            return refuse_login(*refused);
        }
    }

    ipc::AuthAnswer answer_message;
    if (account) {
        log::notice(anonymous ? "ANON " : "USER ", request.user, ": Login successful.");
        plan_.identity.user = account->name;
        plan_.identity.login_name = request.user;
        plan_.identity.uid = account->uid;
        plan_.identity.gid = account->gid;
        plan_.identity.group = account->group_name;
        plan_.identity.anonymous = anonymous.has_value();
        plan_.identity.home = account->home;
        plan_.identity.root = chroot.empty() ? std::string("/") : chroot;
        plan_.identity.initial_cwd = initial_cwd(account->home, chroot);
        plan_.anonymous = anonymous.has_value();
        plan_.chroot = chroot;
        plan_.account = *account;
        facts.account = std::move(account);
        facts.anonymous = anonymous.has_value();
        facts.chroot = chroot;
        if (anonymous) {
            facts.anonymous_password = request.password;
        }
        answer_message.status = ftp::LoginResult::Status::ok;
        phase_ = Phase::authenticated;
        deadline_ = Clock::now() + setup_.handover_timeout;
    } else {
        ++failed_logins_;
        report(ipc::SessionEvent::Kind::login_failed);
        log::notice("USER ", request.user, " (Login failed): ", reason);
        std::this_thread::sleep_until(started + setup_.failed_login_floor);
        const unsigned max_attempts = rules.max_login_attempts();
        if (max_attempts > 0 && failed_logins_ >= max_attempts) {
            log::notice("Maximum login attempts (", max_attempts, ") exceeded");
            answer_message.status = ftp::LoginResult::Status::closing;
            closing_after_auth_ = true;
            deadline_ = Clock::now() + kWorkerExitGrace;  // to answer the client and exit; no more requests
        }
        answer_message.reply_text = rules.denied_reply(request.user);
    }
    wipe(request.password);
    if (closing_after_auth_) {
        setup_.facts.end_reason = "too many failed logins";
    }
    return answer(answer_message);
}

Next SessionMonitor::answer_handover(const ipc::HandoverRequest& request) {
    handover_state_ = request.state;
    channel_.close();  // the pre-auth worker asks nothing more: it exits, or relays without a channel
    if (preauth_signatures_ > 0) {
        // The control connection is under TLS (this monitor signed its handshake): the pre-auth worker stays,
        // confined as it is, as the relay between the client's TLS and the post-auth worker, which starts now.
        relay_ = std::move(worker_);
        worker_ = StartedWorker{};
        plan_.tls_relay = true;
        return start_postauth();
    }
    handover_pending_ = true;
    deadline_ = Clock::now() + kWorkerExitGrace;
    return Next::carry_on;
}

Next SessionMonitor::answer_hooks(const ipc::HookRequest& request) {
    if (phase_ == Phase::authenticated &&
        (request.point != exec::HookPoint::on_command || request.event.command != "PASS")) {
        return violation(str_cat("asked for ", request.event.command, " hooks between login and hand-over"));
    }
    if (request.point == exec::HookPoint::on_connect) {
        return violation("asked for the connect hooks, which the monitor runs itself");
    }
    if (phase_ == Phase::preauth) {
        if (auto refused = preauth_hook_refusal(request.point, request.event)) {
            return violation(str_cat("asked for ", *refused));
        }
    }
    // SQLLog: the rows are written before the command's reply, with the identity the monitor holds.
    if (setup_.sql != nullptr && !setup_.sql->log(request.point, request.event, setup_.facts)) {
        log::error("SQLLog failed and its rule does not say IGNORE_ERRORS; ending the session");
        end_session("SQLLog failed", true);
        return Next::end;
    }
    ipc::HookAnswer reply;
    if (setup_.hooks != nullptr) {
        reply.lines = setup_.hooks->dispatch(request.point, request.event, setup_.facts);
        report_hook_runs();
        if (reply.lines.size() > ipc::Limits::hook_lines) {
            reply.lines.resize(ipc::Limits::hook_lines);
        }
        for (auto& line : reply.lines) {
            if (line.size() > ipc::Limits::hook_line) {
                line.resize(ipc::Limits::hook_line);
            }
        }
    }
    return answer(reply);
}

Next SessionMonitor::answer_privileged_data_connection(const ipc::DataSocketRequest& request) {
    const SessionFacts& facts = setup_.facts;
    // The only privileged port a session may use is its control port minus one (ProFTPD's L-1).
    if (facts.local_port == 0 || request.port != facts.local_port - 1 || request.port >= 1024) {
        return violation(str_cat("asked for a data socket on port ", request.port, " (control port ", facts.local_port,
                                 ")"));
    }
    // ... and only toward the client itself, at an unprivileged port (the FTP bounce rules of PORT/EPRT).
    if (!same_address(request.target_address, facts.client_address) || request.target_port < 1024) {
        return violation(str_cat("asked for a privileged data connection to ", request.target_address, " port ",
                                 request.target_port, ", not the client (", facts.client_address,
                                 ") at a port >= 1024"));
    }
    ipc::DataSocketAnswer reply;
    auto socket = connect_privileged_socket(Endpoint{facts.local_address, request.port},
                                            Endpoint{request.target_address, request.target_port},
                                            setup_.data_connect_timeout);
    if (socket) {
        reply.ok = true;
    } else {
        reply.error = socket.error().message.substr(0, ipc::Limits::reason);
    }
    return answer(reply, socket ? socket->get() : -1);
}

Next SessionMonitor::answer_session_end(const ipc::SessionEnd& request) {
    setup_.facts.end_reason = request.reason;
    return Next::carry_on;  // the session ends when the worker exits
}

Next SessionMonitor::answer_signature(const ipc::SignatureRequest& request) {
    if (!setup_.sign) {
        return violation("asked for a TLS signature, but this server has no TLS key");
    }
    auto signature = setup_.sign(request.request);
    if (!signature) {
        // An honest worker's OpenSSL asks only for handshake-shaped inputs; anything else is an attempt to use
        // the key for something other than this session's handshake.
        return violation(signature.error().message);
    }
    if (phase_ == Phase::preauth) {
        ++preauth_signatures_;
    }
    return answer(ipc::SignatureAnswer{std::move(*signature)});
}

Next SessionMonitor::worker_exited() {
    int status = 0;
    pid_t reaped = 0;
    do {
        reaped = ::waitpid(worker_.pid, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    if (reaped == 0) {
        return Next::carry_on;  // spurious wake-up
    }
    const pid_t pid = worker_.pid;
    worker_ = StartedWorker{};
    if (phase_ == Phase::authenticated && handover_pending_) {
        handover_pending_ = false;
        return start_postauth();
    }
    const std::string how = describe_exit(status);
    const bool normal = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (normal) {
        log::debug(1, "worker ", pid, " ", how);
        if (setup_.facts.end_reason.empty()) {
            setup_.facts.end_reason = "disconnected";
        }
    } else {
        log::error("worker ", pid, " ", how);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
            report(ipc::SessionEvent::Kind::worker_seccomp_kill);
        }
        end_session("worker failed", !closing_after_auth_);
    }
    return Next::end;
}

Next SessionMonitor::start_postauth() {
    auto pair = ipc::Channel::make_pair();
    if (!pair) {
        log::error("cannot start the session: ", pair.error().message);
        end_session("internal error", true);
        return Next::end;
    }
    auto started = setup_.launcher->start_postauth(std::move(pair->second), plan_, handover_state_);
    if (!started) {
        log::error("cannot start the post-auth worker: ", started.error().message);
        end_session("internal error", true);
        return Next::end;
    }
    channel_ = std::move(pair->first);
    channel_.set_send_timeout(setup_.send_timeout);
    worker_ = std::move(*started);
    phase_ = Phase::postauth;
    deadline_ = Clock::time_point::max();
    counts_.fill(0);
    (void)::malloc_trim(0);  // authentication's buffers are freed: the idle monitor gives their pages back
    return Next::carry_on;
}

// The relay ended (the client closed, or the post-auth worker did and the close_notify went out); the
// post-auth worker, if still running, sees its control connection end and finishes by itself.
void SessionMonitor::relay_exited() {
    int status = 0;
    pid_t reaped = 0;
    do {
        reaped = ::waitpid(relay_.pid, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    if (reaped == 0) {
        return;
    }
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        log::error("control connection relay ", relay_.pid, " ", describe_exit(status));
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
            report(ipc::SessionEvent::Kind::worker_seccomp_kill);
        }
    }
    relay_ = StartedWorker{};
}

// The session is over: the relay gets a moment to pass the last reply and its close_notify to the client.
void SessionMonitor::await_relay() {
    if (relay_.pid <= 0) {
        return;
    }
    pollfd fd{relay_.pidfd.get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(kWorkerExitGrace.count())) <= 0) {
        log::warning("control connection relay did not end after the session; killing it");
        (void)::kill(relay_.pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(relay_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    relay_ = StartedWorker{};
}

void SessionMonitor::end_session(const std::string& reason, bool tell) {
    setup_.facts.end_reason = reason;
    stop_worker();
    if (tell) {
        tell_client(reason == "server shutting down" ? "421 Server is going offline\r\n"
                                                     : "421 Service not available, closing control connection\r\n");
    }
}

// Never blocks: a client that does not read loses the line, not the monitor its time. Not under TLS: clear
// text in the middle of the client's TLS stream would only be a decoding error there.
void SessionMonitor::tell_client(const std::string& line) {
    if (setup_.control_fd >= 0 && preauth_signatures_ == 0) {
        (void)::send(setup_.control_fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
}

void SessionMonitor::report(ipc::SessionEvent::Kind kind, std::uint64_t count) {
    if (setup_.report && count > 0) {
        setup_.report(ipc::SessionEvent{kind, count});
    }
}

// Hooks run in this process (connect hooks before the monitor started, command and exit hooks since): the
// dispatcher's running tally, told to the master as the difference from what it already knows.
void SessionMonitor::report_hook_runs() {
    if (setup_.hooks == nullptr) {
        return;
    }
    const HookDispatcher::Tally now = setup_.hooks->tally();
    report(ipc::SessionEvent::Kind::hook_run, now.runs - reported_hooks_.runs);
    report(ipc::SessionEvent::Kind::hook_timeout, now.timeouts - reported_hooks_.timeouts);
    reported_hooks_ = now;
}

void SessionMonitor::stop_worker() {
    if (relay_.pid > 0) {
        (void)::kill(relay_.pid, SIGKILL);
        int status = 0;
        while (::waitpid(relay_.pid, &status, 0) < 0 && errno == EINTR) {
        }
        relay_ = StartedWorker{};
    }
    if (worker_.pid <= 0) {
        return;
    }
    (void)::kill(worker_.pid, SIGKILL);
    int status = 0;
    while (::waitpid(worker_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    worker_ = StartedWorker{};
}

}  // namespace ward::monitor
