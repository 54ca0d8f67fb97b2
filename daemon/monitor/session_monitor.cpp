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
#include "daemon/monitor/privileged_socket.hpp"

namespace ward::monitor {
namespace {

constexpr auto kWorkerExitGrace = std::chrono::milliseconds(2000);

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
    worker_ = std::move(*started);
    return {};
}

std::string SessionMonitor::run() {
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
        std::array<pollfd, 3> fds{};
        fds[0] = {channel_.valid() ? channel_.fd() : -1, POLLIN, 0};
        fds[1] = {worker_.pidfd.get(), POLLIN, 0};
        fds[2] = {signals.get(), POLLIN, 0};
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
            if (!handover_pending_) {
                log::error("no hand-over from the pre-auth worker after login; ending the session");
                end_session("internal error", true);
                break;
            }
            log::warning("pre-auth worker did not exit after the hand-over; killing it");
            (void)::kill(worker_.pid, SIGKILL);
            deadline_ = Clock::time_point::max();
            continue;  // its exit arrives through the pidfd
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
                if (received.error().message != "peer closed the connection") {
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
        if (fds[1].revents != 0 && worker_exited() == Next::end) {
            break;
        }
    }
    if (setup_.hooks != nullptr) {
        (void)setup_.hooks->dispatch(exec::HookPoint::on_exit, exec::CommandEvent{}, setup_.facts);
    }
    return setup_.facts.end_reason;
}

SessionMonitor::Next SessionMonitor::handle(ipc::Received received) {
    const ipc::MessageType type = ipc::type_of(received.message);
    // Log records come in any phase and are never answered; WorkerLog refuses what a phase may not send.
    if (const auto* record = std::get_if<ipc::LogRecord>(&received.message); record != nullptr && !received.fd.valid()) {
        auto written = setup_.worker_log.write(*record, setup_.facts, worker_.pid, phase_ == Phase::postauth);
        if (written) {
            return Next::carry_on;
        }
        log::error("worker sent ", written.error().message, "; ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    std::size_t index = 0;
    const Permission* permission = nullptr;
    for (; index < kRequestTable.size(); ++index) {
        if (kRequestTable[index].type == type && kRequestTable[index].phase == phase_) {
            permission = &kRequestTable[index];
            break;
        }
    }
    if (permission == nullptr || received.fd.valid()) {
        log::error("worker sent ", ipc::type_name(type), received.fd.valid() ? " with an fd" : "", " in the ",
                   phase_name(phase_), " phase, which is not allowed; ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    if (counts_[index] >= permission->max_per_phase) {
        log::error("worker sent ", ipc::type_name(type), " more often than allowed in the ", phase_name(phase_),
                   " phase; ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    ++counts_[index];
    return std::visit(
        [this](auto& message) -> Next {
            using T = std::decay_t<decltype(message)>;
            if constexpr (std::is_same_v<T, ipc::AuthRequest>) {
                return answer_authentication(message);
            } else if constexpr (std::is_same_v<T, ipc::HandoverRequest>) {
                return answer_handover(message);
            } else if constexpr (std::is_same_v<T, ipc::HookRequest>) {
                return answer_hooks(message);
            } else if constexpr (std::is_same_v<T, ipc::DataSocketRequest>) {
                return answer_privileged_data_socket(message);
            } else if constexpr (std::is_same_v<T, ipc::SessionEnd>) {
                return answer_session_end(message);
            } else {
                return Next::end;  // answers never come from a worker; kRequestTable has none of them
            }
        },
        received.message);
}

SessionMonitor::Next SessionMonitor::answer_authentication(ipc::AuthRequest& request) {
    const auto started = Clock::now();
    const LoginRules& rules = *setup_.rules;
    SessionFacts& facts = setup_.facts;
    facts.login_name = request.user;

    std::optional<auth::Account> account;
    std::string reason;
    std::string chroot;
    const auto anonymous = rules.anonymous_for(request.user);
    if (anonymous) {
        // The anonymous User is the local account the session runs as: the system's database is always
        // consulted for it, after whatever AuthOrder names.
        auth::AuthSettings settings = rules.auth_settings();
        if (std::find(settings.order.begin(), settings.order.end(), auth::AuthSource::system) == settings.order.end()) {
            settings.order.push_back(auth::AuthSource::system);
        }
        auto found = auth::find_account(settings, anonymous->account);
        reason = found.reason;
        account = std::move(found.account);
        if (account && !anonymous->group.empty()) {
            if (const auto gid = auth::system_group_id(anonymous->group)) {
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
        auto outcome = auth::authenticate(rules.auth_settings(), rules.resolve_alias(request.user), request.password);
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

    ipc::AuthAnswer answer;
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
        answer.status = ftp::LoginResult::Status::ok;
        phase_ = Phase::authenticated;
        deadline_ = Clock::now() + setup_.handover_timeout;
    } else {
        ++failed_logins_;
        log::notice("USER ", request.user, " (Login failed): ", reason);
        std::this_thread::sleep_until(started + setup_.failed_login_floor);
        const unsigned max_attempts = rules.max_login_attempts();
        if (max_attempts > 0 && failed_logins_ >= max_attempts) {
            log::notice("Maximum login attempts (", max_attempts, ") exceeded");
            answer.status = ftp::LoginResult::Status::closing;
            closing_after_auth_ = true;
        }
        answer.reply_text = "Login incorrect.";
    }
    wipe(request.password);
    if (auto sent = channel_.send(answer); !sent) {
        log::error("cannot answer the worker: ", sent.error().message);
        end_session("internal error", false);
        return Next::end;
    }
    if (closing_after_auth_) {
        setup_.facts.end_reason = "too many failed logins";
    }
    return Next::carry_on;
}

SessionMonitor::Next SessionMonitor::answer_handover(const ipc::HandoverRequest& request) {
    handover_state_ = request.state;
    handover_pending_ = true;
    deadline_ = Clock::now() + kWorkerExitGrace;
    channel_.close();  // the pre-auth worker's only remaining act is to exit
    return Next::carry_on;
}

SessionMonitor::Next SessionMonitor::answer_hooks(const ipc::HookRequest& request) {
    if (phase_ == Phase::authenticated &&
        (request.point != exec::HookPoint::on_command || request.event.command != "PASS")) {
        log::error("worker asked for ", request.event.command, " hooks between login and hand-over; ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    if (request.point == exec::HookPoint::on_connect) {
        log::error("worker asked for the connect hooks, which the monitor runs itself; ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    ipc::HookAnswer answer;
    if (setup_.hooks != nullptr) {
        answer.lines = setup_.hooks->dispatch(request.point, request.event, setup_.facts);
        if (answer.lines.size() > ipc::Limits::hook_lines) {
            answer.lines.resize(ipc::Limits::hook_lines);
        }
        for (auto& line : answer.lines) {
            if (line.size() > ipc::Limits::hook_line) {
                line.resize(ipc::Limits::hook_line);
            }
        }
    }
    if (auto sent = channel_.send(answer); !sent) {
        log::error("cannot answer the worker: ", sent.error().message);
        end_session("internal error", false);
        return Next::end;
    }
    return Next::carry_on;
}

SessionMonitor::Next SessionMonitor::answer_privileged_data_socket(const ipc::DataSocketRequest& request) {
    const SessionFacts& facts = setup_.facts;
    // The only privileged port a session may use is its control port minus one (ProFTPD's L-1).
    if (facts.local_port == 0 || request.port != facts.local_port - 1 || request.port >= 1024) {
        log::error("worker asked for a data socket on port ", request.port, " (control port ", facts.local_port,
                   "); ending the session");
        end_session("protocol violation", true);
        return Next::end;
    }
    ipc::DataSocketAnswer answer;
    auto socket = open_privileged_socket(facts.local_address, request.port);
    if (socket) {
        answer.ok = true;
    } else {
        answer.error = socket.error().message;
    }
    const int fd = socket ? socket->get() : -1;
    if (auto sent = channel_.send(answer, fd); !sent) {
        log::error("cannot answer the worker: ", sent.error().message);
        end_session("internal error", false);
        return Next::end;
    }
    return Next::carry_on;
}

SessionMonitor::Next SessionMonitor::answer_session_end(const ipc::SessionEnd& request) {
    setup_.facts.end_reason = request.reason;
    return Next::carry_on;  // the session ends when the worker exits
}

SessionMonitor::Next SessionMonitor::worker_exited() {
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
        worker_ = std::move(*started);
        phase_ = Phase::postauth;
        deadline_ = Clock::time_point::max();
        counts_.fill(0);
        (void)::malloc_trim(0);  // authentication's buffers are freed: the idle monitor gives their pages back
        return Next::carry_on;
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
        end_session("worker failed", !closing_after_auth_);
    }
    return Next::end;
}

void SessionMonitor::end_session(const std::string& reason, bool tell_client) {
    setup_.facts.end_reason = reason;
    stop_worker();
    if (tell_client && setup_.control_fd >= 0) {
        const std::string_view text = reason == "server shutting down"
                                          ? std::string_view("421 Server is going offline\r\n")
                                          : std::string_view("421 Service not available, closing control connection\r\n");
        (void)::send(setup_.control_fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
}

void SessionMonitor::stop_worker() {
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
