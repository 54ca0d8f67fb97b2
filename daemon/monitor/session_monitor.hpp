#pragma once
// The privileged half of a session: small, synchronous, and the only process that decides who a session
// runs as. It never parses anything but the typed messages of daemon/ipc, and it never trusts them:
// every request is checked against kRequestTable (request_table.hpp) for the current phase, and the
// limits are its own: MaxLoginAttempts, TimeoutLogin, the master's per-user counts, a bound on every send.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "daemon/ipc/channel.hpp"
#include "daemon/monitor/hook_dispatcher.hpp"
#include "daemon/tls/sign_request.hpp"
#include "daemon/monitor/login_admission.hpp"
#include "daemon/monitor/login_rules.hpp"
#include "daemon/monitor/request_table.hpp"
#include "daemon/monitor/session_facts.hpp"
#include "daemon/monitor/sql_helper.hpp"
#include "daemon/monitor/worker_log.hpp"
#include "daemon/monitor/worker_launcher.hpp"

namespace ward::monitor {

struct MonitorSetup {
    int control_fd = -1;  // the client's connection (borrowed); the monitor answers 421 on it if a worker dies
    SessionFacts facts;   // client and local endpoints, pid
    const LoginRules* rules = nullptr;
    WorkerLauncher* launcher = nullptr;
    HookDispatcher* hooks = nullptr;  // nullptr: the configuration has no hooks
    WorkerLog worker_log;             // writes the workers' log and TransferLog records
    LoginAdmission* admission = nullptr;  // the master's MaxClients/PerUser/HostsPerUser; nullptr: no limits
    const SqlHelper* sql = nullptr;       // mod_sql: the user lookups and SQLLog rows; nullptr: not configured
    auth::Backend* pam = nullptr;         // mod_auth_pam.c's helper runner (pam_helper.hpp); nullptr: no PAM
    // Signs with the certificate's key (mod_tls): a request to the key process (daemon/master/key_process.hpp)
    // over this session's channel, so the key is never in the monitor's memory nor in a worker forked from
    // it. Empty: no TLS, and a signature request is a protocol violation.
    std::function<Result<std::string>(const tls::SignRequest&)> sign;
    // TLSRequired on|ctrl|auth (and their + forms): the monitor answers a login only in a session whose
    // control-connection handshake it signed; an auth_request before that is a protocol violation (an honest
    // worker refuses USER with 550 itself first). A worker cannot log in in clear text by skipping its own
    // check. Meaningful only with `sign`.
    bool tls_required_for_login = false;
    // TimeoutLogin: the monitor ends a session that has not logged in after this long (0: never). The worker
    // keeps its own timer, which answers first; this one is the backstop a compromised worker cannot stop.
    std::chrono::seconds login_timeout{300};
    // What the monitor saw (failed logins, a worker killed by its seccomp filter, hook runs and timeouts),
    // and the post-auth worker's transfer reports as its word, told to the master for the metrics endpoint.
    // Empty: nobody counts (a single-session run).
    std::function<void(const ipc::SessionEvent&)> report;
    // The post-auth worker's own account of its current command and transfer, passed to the master for
    // wardctl who as the worker's word. Empty: dropped.
    std::function<void(const ipc::SessionActivity&)> report_activity;
    // Every send to the worker waits at most this long for room in the socket.
    std::chrono::milliseconds send_timeout{10000};
    // A privileged active-mode data connection waits at most this long for the client to accept it.
    std::chrono::milliseconds data_connect_timeout{15000};
    // A failed login is answered no sooner than this after the request: the reply time says nothing
    // about whether the user exists or how its password is hashed.
    std::chrono::milliseconds failed_login_floor{500};
    std::chrono::milliseconds handover_timeout{5000};
};

class SessionMonitor {
public:
    using Clock = std::chrono::steady_clock;

    explicit SessionMonitor(MonitorSetup setup);
    SessionMonitor(const SessionMonitor&) = delete;
    SessionMonitor& operator=(const SessionMonitor&) = delete;
    SessionMonitor(SessionMonitor&&) = delete;
    SessionMonitor& operator=(SessionMonitor&&) = delete;
    ~SessionMonitor();

    // Runs the session to its end and returns the end reason (%E).
    std::string run();

    [[nodiscard]] const SessionFacts& facts() const noexcept { return setup_.facts; }
    [[nodiscard]] unsigned failed_logins() const noexcept { return failed_logins_; }
    // Handshake signatures this monitor made for the pre-auth worker (the control connection's TLS).
    [[nodiscard]] unsigned preauth_signatures() const noexcept { return preauth_signatures_; }

private:
    friend struct Answers;  // the request handlers of kRequestTable

    Result<void> start_worker_preauth();
    Next handle(ipc::Received received);
    Next answer_authentication(ipc::AuthRequest& request);
    Next answer_handover(const ipc::HandoverRequest& request);
    Next answer_hooks(const ipc::HookRequest& request);
    Next answer_privileged_data_connection(const ipc::DataSocketRequest& request);
    Next answer_session_end(const ipc::SessionEnd& request);
    Next answer_signature(const ipc::SignatureRequest& request);
    Next write_worker_log(const ipc::LogRecord& record);
    Next pass_activity(const ipc::WorkerActivity& activity);
    Next pass_transfer(const ipc::TransferReport& transfer);
    Next answer(const ipc::Message& message, int fd = -1);
    Next violation(const std::string& what);
    Next deadline_passed();
    Next refuse_login(const LoginRefusal& refusal);
    Next worker_exited();
    Next start_postauth();
    void relay_exited();
    void await_relay();
    void end_session(const std::string& reason, bool tell);
    void tell_client(const std::string& line);
    void stop_worker();
    void report(ipc::SessionEvent::Kind kind, std::uint64_t count = 1);
    void report_hook_runs();

    MonitorSetup setup_;
    Phase phase_ = Phase::preauth;
    std::array<std::uint32_t, kRequestTable.size()> counts_{};
    ipc::Channel channel_;
    StartedWorker worker_;
    // FTPS: after a login under TLS the pre-auth worker stays as the control connection's relay
    // (daemon/tls/control_relay.hpp) beside the post-auth worker.
    StartedWorker relay_;
    unsigned failed_logins_ = 0;
    unsigned preauth_signatures_ = 0;
    HookDispatcher::Tally reported_hooks_;  // what report_hook_runs() has told the master so far
    Clock::time_point activity_passed_{};    // when pass_activity last told the master
    std::string activity_command_;
    bool closing_after_auth_ = false;
    PostAuthPlan plan_;
    bool handover_pending_ = false;
    // The next thing that must happen by a time: a login (TimeoutLogin), the hand-over after one, the
    // pre-auth worker's exit after the hand-over or after MaxLoginAttempts.
    Clock::time_point deadline_ = Clock::time_point::max();
    ftp::HandoverState handover_state_;
};

}  // namespace ward::monitor
