#pragma once
// The seam between the FTP protocol (daemon/ftp/, runs in the unprivileged worker) and whatever hosts it.
// In wardftpd the host is the worker's link to its session monitor (daemon/worker_host.cpp): every call
// here becomes one typed request over the monitor socket. In tests the host is an in-process fake, so the
// protocol can be driven by real clients without privilege separation.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/ftp/session_settings.hpp"
#include "exec/hook_event.hpp"

namespace ward::ftp {

// Who the session belongs to after a successful login. Names come from the host (the monitor), so the
// worker never calls NSS after confinement.
struct SessionIdentity {
    std::string user;           // %u: the authenticated local user ("ftp" for anonymous)
    std::string login_name;     // %U: the name as first sent with USER
    uid_t uid = 0;
    gid_t gid = 0;
    std::string group;          // primary group name
    bool anonymous = false;
    std::string home;           // real path of the home directory
    std::string root;           // real path the session sees as "/" ("/" when not confined)
    bool chrooted = false;      // this process is chroot()ed to `root`: open "/" to reach it
    std::string initial_cwd = "/";  // as the client sees it
};

struct LoginResult {
    enum class Status : std::uint8_t { ok, denied, closing } status = Status::denied;
    std::string reply_text;  // text for the 530 (or 421 for closing) reply; empty for the default wording
};

class NameCache;

// Everything a post-auth session runs with, decided by the host at login.
struct PostAuthSession {
    SessionIdentity identity;
    SessionSettings settings;  // may differ from pre-auth ones (an <Anonymous> context overrides some)
    std::shared_ptr<const AccessPolicy> policy;
    std::shared_ptr<const NameCache> names;
};

// What a pre-auth worker passes on to the post-auth worker at login.
struct HandoverState {
    std::string pending_input;  // unread control-connection bytes (CommandLineReader::drain_as_wire)
    bool binary_type = false;   // TYPE I already chosen
    bool utf8 = true;           // OPTS UTF8
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    // Lines the PASS on_command hooks returned (sendStdout), sent as "230-" lines before the login reply.
    std::vector<std::string> login_reply_lines;
};

// Names for uid/gid columns of LIST and MLSD facts, resolved by the host before confinement.
class NameCache {
public:
    virtual ~NameCache() = default;
    [[nodiscard]] virtual std::optional<std::string> user_name(uid_t uid) const = 0;
    [[nodiscard]] virtual std::optional<std::string> group_name(gid_t gid) const = 0;
    // SITE CHGRP's group name; nullopt when unknown.
    [[nodiscard]] virtual std::optional<gid_t> group_id(std::string_view name) const = 0;
};

class SessionHost {
public:
    virtual ~SessionHost() = default;

    // Pre-auth: checks USER/PASS. The password is wiped by the caller after the call.
    virtual LoginResult authenticate(std::string_view user, std::string_view password) = 0;

    // After a successful authenticate(): hands the session to its post-auth form. In wardftpd this never
    // returns (the pre-auth worker exits; a fresh worker starts as the user, chrooted, with `state`);
    // in-process hosts return what the session continues with in the same process. nullopt: the
    // hand-over failed and the session must end with 421.
    virtual std::optional<PostAuthSession> hand_over(HandoverState state) = 0;
    // The same after a login on a TLS control connection, where the TLS cannot move to the post-auth
    // worker: the host hands over as above and returns the plain end of the socketpair whose other end is the
    // post-auth worker's control connection; this process then relays between the two
    // (daemon/tls/control_relay.hpp). An Error: the host cannot hand over a TLS session (the session ends
    // with 421).
    virtual Result<UniqueFd> hand_over_relayed(const HandoverState& /*state*/) {
        return Error{"this host cannot hand over a TLS control connection"};
    }

    // Cheap, local: does the configuration attach any hook to this point and command? Only then does the
    // session call run_hooks, so a server without hooks pays nothing per command.
    [[nodiscard]] virtual bool wants_hook(exec::HookPoint point, std::string_view command) const = 0;
    // Runs the configured hooks synchronously; returns lines to add to the reply (ExecOptions sendStdout).
    virtual std::vector<std::string> run_hooks(exec::HookPoint point, const exec::CommandEvent& event) = 0;

    // Active-mode data connections from a privileged port (ProFTPD connects from the control port - 1):
    // the host binds `local_port` on the control connection's local address, connects it to the target
    // (the client's address, a port >= 1024) and returns the connected socket. Ports >= 1024 never come
    // here; the worker binds those itself.
    virtual Result<UniqueFd> privileged_data_connection(std::uint16_t local_port, const std::string& target_address,
                                                        std::uint16_t target_port) = 0;

    // TransferLog: one finished transfer's xferlog line (with its line end). wardftpd's worker holds no log
    // descriptor and sends it to its monitor, which writes it.
    virtual void log_transfer(std::string_view line) = 0;

    // Each finished file transfer (RETR; STOR, APPE, STOU: `incoming`), how it ended and the file bytes it
    // moved, for the daemon's metrics. Informational only; a host that does not count them ignores it.
    virtual void report_transfer(bool incoming, exec::TransferStatus status, std::uint64_t bytes) {
        (void)incoming, (void)status, (void)bytes;
    }

    // The session is over (QUIT, timeout, error); `reason` is %E.
    virtual void session_ended(std::string_view reason) = 0;

    // What the session is doing, for the daemon's `wardctl who`: each command after login (PASS hidden), and
    // about once a second during a transfer its bytes so far and the file's size (0: unknown). Informational
    // only; a host that does not show it ignores it.
    virtual void report_activity(std::string_view command, std::uint64_t bytes, std::uint64_t size,
                                 bool transferring) {
        (void)command, (void)bytes, (void)size, (void)transferring;
    }
};

}  // namespace ward::ftp
