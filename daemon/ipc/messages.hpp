#pragma once
// The typed messages between a worker and its session monitor, and their encoders and decoder.
// Worker-side wrappers are request_* (daemon/worker/monitor_client.*); the monitor's handlers are
// answer_* (daemon/monitor/); which phase accepts which request is the monitor's table.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "daemon/ftp/session_host.hpp"
#include "daemon/ipc/log_record.hpp"
#include "daemon/tls/sign_request.hpp"
#include "exec/hook_event.hpp"

namespace ward::ipc {

enum class MessageType : std::uint8_t {
    // worker -> monitor
    auth_request = 1,
    handover_request = 2,
    hook_request = 3,
    data_socket_request = 4,
    session_end = 5,
    log_record = 6,  // no answer: the monitor writes it (daemon/ipc/log_record.hpp)
    signature_request = 7,
    // monitor -> worker
    auth_answer = 64,
    hook_answer = 65,
    data_socket_answer = 66,
    signature_answer = 67,
    // monitor <-> master (the session process's link to the master; no worker holds it)
    login_count_request = 96,
    login_count_answer = 97,
    proxied_client = 98,
    proxied_client_answer = 99,
    session_event = 100,  // monitor -> master, no answer: what the monitor saw, for the metrics
    worker_activity = 101,   // worker -> monitor, no answer, post-auth: its current command, for wardctl who
    session_activity = 102,  // monitor -> master, no answer: the same, passed on as the worker's word
    // master <-> key process (daemon/master/key_process.hpp; no worker or monitor holds that channel)
    key_client = 112,
    key_status = 113,
    // PAM helper -> monitor (daemon/monitor/pam_answer.hpp; only the monitor and its per-attempt helper hold it)
    pam_answer = 122,
    // 128-135: the monitor <-> SQL helper messages of daemon/sql/messages.hpp (never on a worker's channel)
    // metrics: worker -> monitor, no answer, post-auth: one finished file transfer (the worker's word)
    transfer_report = 144,
};

// Field limits: every variable-length field has one, and together they keep a message < 64 KiB.
struct Limits {
    static constexpr std::size_t user = 256;
    static constexpr std::size_t password = 1024;
    static constexpr std::size_t reply_text = 1024;
    static constexpr std::size_t pending_input = std::size_t{16} * 1024;
    static constexpr std::size_t verb = 64;
    static constexpr std::size_t path = std::size_t{6} * 1024;
    static constexpr std::size_t command_line = std::size_t{6} * 1024;
    static constexpr std::size_t reason = 256;
    // KeyStatus's error: two file paths and what to do about them (daemon/monitor/key_signer.cpp).
    static constexpr std::size_t key_error = std::size_t{2} * 1024 + 512;
    static constexpr std::size_t hook_lines = 64;
    static constexpr std::size_t hook_line = 512;
    static constexpr std::size_t log_text = std::size_t{8} * 1024;
    static constexpr std::size_t address = 64;  // an IPv4 or IPv6 address as text
    static constexpr std::size_t activity_command = 512;  // a command line as wardctl who shows it
};

struct AuthRequest {
    std::string user;
    std::string password;
    bool operator==(const AuthRequest&) const = default;
};
struct HandoverRequest {
    ftp::HandoverState state;
    bool operator==(const HandoverRequest& other) const;
};
struct HookRequest {
    exec::HookPoint point = exec::HookPoint::on_command;
    exec::CommandEvent event;
    bool operator==(const HookRequest& other) const;
};
// Active mode from a privileged port: the monitor binds `port` (the control port - 1), connects it to the
// target (which must be the client's own address and a port >= 1024) and passes the connected socket.
struct DataSocketRequest {
    std::uint16_t port = 0;
    std::string target_address;
    std::uint16_t target_port = 0;
    bool operator==(const DataSocketRequest&) const = default;
};
struct SessionEnd {
    std::string reason;
    bool operator==(const SessionEnd&) const = default;
};
// A TLS handshake's signature (key isolation: the worker's key object has the public half only).
struct SignatureRequest {
    tls::SignRequest request;
    bool operator==(const SignatureRequest&) const = default;
};
struct SignatureAnswer {
    std::string signature;  // empty: refused (the monitor then ends the session, so this is rare)
    bool operator==(const SignatureAnswer&) const = default;
};
struct AuthAnswer {
    ftp::LoginResult::Status status = ftp::LoginResult::Status::denied;
    std::string reply_text;
    bool operator==(const AuthAnswer&) const = default;
};
struct HookAnswer {
    std::vector<std::string> lines;
    bool operator==(const HookAnswer&) const = default;
};
struct DataSocketAnswer {  // the connected socket itself travels as SCM_RIGHTS with an ok answer
    bool ok = false;
    std::string error;
    bool operator==(const DataSocketAnswer&) const = default;
};

// Monitor -> master, after a password was checked: may this session become `account`'s? The master counts
// it toward MaxClients, MaxClientsPerUser and MaxHostsPerUser by its own record of the connection.
struct LoginCountRequest {
    std::string account;     // the local account the session will run as (what the limits count)
    std::string login_name;  // as sent with USER: selects an <Anonymous> context's own limits
    bool operator==(const LoginCountRequest&) const = default;
};
struct LoginCountAnswer {
    bool admitted = false;
    std::string limit;  // the directive that refused it
    std::string reply;  // the 530 text
    bool operator==(const LoginCountAnswer&) const = default;
};

// Monitor -> master, once, first thing on a connection from a trusted proxy: the client its PROXY header
// names. The master counts the session under this address (MaxClientsPerHost, MaxConnectionsPerHost) and
// answers like a login count.
struct ProxiedClient {
    std::string address;
    std::uint16_t port = 0;
    bool operator==(const ProxiedClient&) const = default;
};
struct ProxiedClientAnswer {
    bool admitted = false;
    std::string limit;
    std::string reply;
    bool operator==(const ProxiedClientAnswer&) const = default;
};

// Monitor -> master, no answer: something the monitor itself saw happen in its session (never a worker's
// report), counted by the master for the metrics endpoint (daemon/master/metrics_board.hpp). The transfer
// kinds are the one exception, and the metrics name them so: the monitor cannot see a data connection's
// bytes, so it passes on the post-auth worker's TransferReport (a <direction>_<result> event of count 1 and a
// <direction>_bytes event for each; none for 0 bytes).
struct SessionEvent {
    enum class Kind : std::uint8_t {
        login_failed,
        worker_seccomp_kill,
        hook_run,
        hook_timeout,
        // the worker's word (TransferReport): RETR, then STOR/APPE/STOU, by how they ended, and their bytes
        download_complete,
        download_aborted,
        download_failed,
        download_timeout,
        upload_complete,
        upload_aborted,
        upload_failed,
        upload_timeout,
        download_bytes,
        upload_bytes,
    };
    Kind kind = Kind::login_failed;
    std::uint64_t count = 1;
    bool operator==(const SessionEvent&) const = default;
};

// Worker -> monitor (post-auth only, no answer), once per finished file transfer (RETR, STOR, APPE, STOU):
// its direction, how it ended and the file bytes it moved. Only the worker holds the data connection, so
// this is its word: the monitor passes it on as SessionEvent transfer kinds, and the metrics say so.
struct TransferReport {
    bool incoming = false;  // STOR, APPE, STOU
    exec::TransferStatus status = exec::TransferStatus::success;  // success, failed, cancelled or timeout
    std::uint64_t bytes = 0;
    bool operator==(const TransferReport&) const = default;
};

// Worker -> monitor (post-auth only, no answer), on each command and about once a second during a transfer:
// what the worker says it is doing. Nothing decides on it: the monitor passes it to the master
// (SessionActivity), and wardctl who shows it labelled as the worker's report.
struct WorkerActivity {
    std::string command;     // the command line (PASS hidden), at most Limits::activity_command bytes
    std::uint64_t bytes = 0;  // of the transfer in progress
    std::uint64_t size = 0;   // of the file being sent (RETR); 0: unknown
    bool transferring = false;
    bool operator==(const WorkerActivity&) const = default;
};
struct SessionActivity {
    WorkerActivity activity;
    bool operator==(const SessionActivity&) const = default;
};

// Master -> key process: a new session's end of a signing channel travels with this (SCM_RIGHTS).
struct KeyClient {
    bool operator==(const KeyClient&) const = default;
};
// Key process -> master, once at start: the key loaded, or why not.
struct KeyStatus {
    bool loaded = false;
    std::string error;
    bool operator==(const KeyStatus&) const = default;
};

using Message = std::variant<AuthRequest, HandoverRequest, HookRequest, DataSocketRequest, SessionEnd, AuthAnswer,
                             HookAnswer, DataSocketAnswer, LoginCountRequest, LoginCountAnswer, ProxiedClient,
                             ProxiedClientAnswer, SignatureRequest, SignatureAnswer, KeyClient, KeyStatus,
                             LogRecord, SessionEvent, WorkerActivity, SessionActivity, TransferReport>;

[[nodiscard]] MessageType type_of(const Message& message) noexcept;
[[nodiscard]] const char* type_name(MessageType type) noexcept;

// Encodes a message; an error only if a field exceeds its limit (a bug on the sending side).
[[nodiscard]] Result<std::string> encode(const Message& message);
// Decodes one whole received message. Any violation (version, unknown type, a field past its limit,
// an invalid enum value, trailing bytes) is an error naming it.
[[nodiscard]] Result<Message> decode(std::string_view bytes);

}  // namespace ward::ipc
