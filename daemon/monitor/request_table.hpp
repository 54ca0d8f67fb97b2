#pragma once
// The session monitor's attack surface, as one table (OpenSSH's mon_dispatch): which request a worker may
// send in which phase, how often, and which handler answers it. Anything else ends the session (and is
// logged). Read this before session_monitor.cpp.
#include <array>
#include <cstdint>
#include <limits>

#include "daemon/ipc/channel.hpp"
#include "daemon/ipc/messages.hpp"

namespace ward::monitor {

enum class Phase : std::uint8_t {
    preauth,        // the pre-auth worker (an unprivileged user, empty root, strict seccomp) is talking
    authenticated,  // a login succeeded; only the hand-over may follow, then the worker exits
    postauth,       // the post-auth worker (the logged-in user) is talking
};

inline constexpr std::uint32_t kUnlimited = std::numeric_limits<std::uint32_t>::max();
// Hook requests a pre-auth worker may make (ExecBeforeCommand/ExecOnCommand/ExecOnError of USER, PASS, ...;
// each forks and execs): a client gets ~30 commands' worth before it has logged in.
inline constexpr std::uint32_t kPreauthHookRequests = 64;
// Privileged (port L-1) active-mode data connections one logged-in session may ask the monitor for.
inline constexpr std::uint32_t kPrivilegedDataConnections = 8192;
// TLS handshake signatures (key isolation): a pre-auth worker signs the control connection's one full
// handshake (AUTH TLS or implicit FTPS; a TLS 1.3 HelloRetryRequest still means one signature); 2 leaves room
// for nothing else. After login only data connections handshake, and with session reuse required (the
// default) those resume the control session and sign nothing; under NoSessionReuseRequired each data
// connection may be a full handshake, so the bound is the data-connection bound.
inline constexpr std::uint32_t kPreauthSignatures = 2;
inline constexpr std::uint32_t kPostauthSignatures = kPrivilegedDataConnections;
// Log lines (ipc::LogRecord, never answered) a pre-auth worker may send: a few per command, and the
// commands before login are bounded by TimeoutLogin; a flood beyond this is a worker out of control.
inline constexpr std::uint32_t kPreauthLogRecords = 65536;
// Between a successful login and the hand-over the pre-auth worker logs the login and little else.
inline constexpr std::uint32_t kAuthenticatedLogRecords = 64;

class SessionMonitor;
enum class Next : std::uint8_t { carry_on, end };

// The handlers, defined in session_monitor.cpp; each is the twin of a request_* call of
// daemon/worker/monitor_client.cpp.
struct Answers {
    static Next authentication(SessionMonitor& monitor, ipc::Received& request);
    static Next handover(SessionMonitor& monitor, ipc::Received& request);
    static Next hooks(SessionMonitor& monitor, ipc::Received& request);
    static Next privileged_data_connection(SessionMonitor& monitor, ipc::Received& request);
    static Next session_end(SessionMonitor& monitor, ipc::Received& request);
    static Next signature(SessionMonitor& monitor, ipc::Received& request);
    static Next log_record(SessionMonitor& monitor, ipc::Received& request);
    static Next activity(SessionMonitor& monitor, ipc::Received& request);
    static Next transfer(SessionMonitor& monitor, ipc::Received& request);
};

using Handler = Next (*)(SessionMonitor&, ipc::Received&);

struct Permission {
    ipc::MessageType type;
    Phase phase;
    std::uint32_t max_per_phase;
    Handler handler;
};

inline constexpr std::array kRequestTable = {
    // USER/PASS: bounded by MaxLoginAttempts (the handler ends the session when a request would pass it)
    // and by TimeoutLogin (the monitor's own deadline for a successful login).
    Permission{ipc::MessageType::auth_request, Phase::preauth, kUnlimited, &Answers::authentication},
    // Hooks for commands before login: only for verbs that can run then (ftp::find_command's before_login),
    // or the 530 refusal of one that cannot, never with a path (hook_gate.hpp).
    Permission{ipc::MessageType::hook_request, Phase::preauth, kPreauthHookRequests, &Answers::hooks},
    Permission{ipc::MessageType::session_end, Phase::preauth, 1, &Answers::session_end},
    // The control connection's TLS handshake: the monitor signs with the key the worker never holds, only
    // inputs shaped like a handshake signature (tls::SignRequest's checks), and only when TLS is configured.
    Permission{ipc::MessageType::signature_request, Phase::preauth, kPreauthSignatures, &Answers::signature},
    // The worker's log lines (it holds no log descriptor): written by the monitor (worker_log.hpp), system
    // lines in every phase, TransferLog lines only after login. A logged-in session logs as long as it runs.
    Permission{ipc::MessageType::log_record, Phase::preauth, kPreauthLogRecords, &Answers::log_record},
    Permission{ipc::MessageType::log_record, Phase::authenticated, kAuthenticatedLogRecords, &Answers::log_record},
    Permission{ipc::MessageType::log_record, Phase::postauth, kUnlimited, &Answers::log_record},
    // After a successful login: PASS's own ExecOnCommand hooks (at most once; the handler checks it is
    // on_command PASS), then the pre-auth worker's state, once.
    Permission{ipc::MessageType::hook_request, Phase::authenticated, 1, &Answers::hooks},
    Permission{ipc::MessageType::handover_request, Phase::authenticated, 1, &Answers::handover},
    Permission{ipc::MessageType::hook_request, Phase::postauth, kUnlimited, &Answers::hooks},
    // Active-mode data connections from port L-1 when that is a privileged port: the monitor connects them
    // to the client's own address, port >= 1024, and hands over the connected socket.
    Permission{ipc::MessageType::data_socket_request, Phase::postauth, kPrivilegedDataConnections,
               &Answers::privileged_data_connection},
    Permission{ipc::MessageType::signature_request, Phase::postauth, kPostauthSignatures, &Answers::signature},
    Permission{ipc::MessageType::session_end, Phase::postauth, 1, &Answers::session_end},
    // What the worker says it is doing (wardctl who): never answered, never decided on; passed to the master
    // at most twice a second (the rest are dropped), so a flood costs the master nothing.
    Permission{ipc::MessageType::worker_activity, Phase::postauth, kUnlimited, &Answers::activity},
    // A finished file transfer, as the worker says (the metrics' transfer counts and bytes, labelled as its
    // word): never answered, never decided on; passed to the master as two SessionEvents.
    Permission{ipc::MessageType::transfer_report, Phase::postauth, kUnlimited, &Answers::transfer},
};

// The row for a request in a phase, or kRequestTable.size() when there is none.
[[nodiscard]] constexpr std::size_t find_permission(ipc::MessageType type, Phase phase) noexcept {
    for (std::size_t i = 0; i < kRequestTable.size(); ++i) {
        if (kRequestTable[i].type == type && kRequestTable[i].phase == phase) {
            return i;
        }
    }
    return kRequestTable.size();
}

[[nodiscard]] constexpr const char* phase_name(Phase phase) noexcept {
    switch (phase) {
        case Phase::preauth: return "pre-auth";
        case Phase::authenticated: return "authenticated";
        case Phase::postauth: return "post-auth";
    }
    return "?";
}

}  // namespace ward::monitor
