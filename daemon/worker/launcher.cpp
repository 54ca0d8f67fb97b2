#include "daemon/worker/launcher.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/session.hpp"
#include "daemon/ipc/log_record.hpp"
#include "daemon/name_table.hpp"
#include "daemon/session_config.hpp"
#include "daemon/tls/worker_context.hpp"
#include "daemon/worker/module_loader.hpp"
#include "daemon/worker/monitor_client.hpp"
#include "sandbox/child_spec.hpp"

namespace ward::worker {
namespace {

constexpr rlim_t kPreauthFiles = 32;
constexpr rlim_t kPostauthFiles = 1024;
constexpr int kSetupFailed = 3;

// stdin, stdout and stderr point at /dev/null in every worker, so no library write can reach a socket and no
// worker holds the daemon's log (in the foreground stderr is the log). Log lines go to the monitor
// (forward_logs_to). Sanitizer builds keep stderr for the sanitizers' own reports.
void null_stdio() {
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
#ifndef WARD_SANITIZER_BUILD
        ::dup2(null, 2);
#endif
        if (null > 2) {
            ::close(null);
        }
    }
}

[[noreturn]] void setup_failed(const char* role, const Error& error) {
    log::error(role, ": ", error.message);
    ::_exit(kSetupFailed);
}

// Set-up's transient allocations (configuration copies, NSS and /proc buffers) leave free pages in the heap
// that stay resident and count towards every idle session's memory; give them back before serving.
void run_session(ftp::Session& session, boost::asio::io_context& io) {
    session.start();
    (void)::malloc_trim(0);
    io.run();
}

// The directives that name the daemon's own files: its logs, password files, control socket, pid file, modules.
constexpr std::array<std::string_view, 9> kDaemonFileDirectives{
    "SystemLog", "TransferLog", "ExecLog", "AuthUserFile", "AuthGroupFile", "ControlsSocket", "PidFile",
    "ModulePath", "ModuleTrustedKey"};

void collect_daemon_files(const config::Context& context, std::vector<std::string>& out) {
    for (const auto& d : context.directives) {
        const bool named = std::any_of(kDaemonFileDirectives.begin(), kDaemonFileDirectives.end(),
                                       [&d](std::string_view name) { return iequals(d.name, name); });
        if (named && !d.args.empty() && d.args.front().starts_with('/')) {
            out.push_back(std::filesystem::path(d.args.front()).lexically_normal().string());
        }
    }
    for (const auto& child : context.children) {
        collect_daemon_files(child, out);
    }
}

// True when path is home or lies beneath it.
bool within(const std::string& path, const std::string& home) {
    return !home.empty() && home != "/" &&
           (path == home || (path.starts_with(home) && path.size() > home.size() && path[home.size()] == '/'));
}

// What a logged-in worker without DefaultRoot must not reach, whatever its uid may: /proc (the
// /proc/<pid>/mem of hooks running as the same user, other processes' environments), /sys, and the
// daemon's own files (its configuration, logs, password files, sockets, modules). A daemon file inside the
// user's own home stays reachable: Landlock can only grant, so fencing it would mean granting that home's
// entries one by one, and the user could then create nothing new in their own home.
std::vector<std::string> fenced_off(const config::Config& config, std::string home) {
    while (home.size() > 1 && home.ends_with('/')) {
        home.pop_back();
    }
    std::vector<std::string> out{"/proc", "/sys", "/run/wardftpd"};
    if (config.source.starts_with('/')) {
        out.push_back(std::filesystem::path(config.source).lexically_normal().string());
    }
    collect_daemon_files(config.root, out);
    for (auto& path : out) {
        while (path.size() > 1 && path.ends_with('/')) {
            path.pop_back();
        }
    }
    std::erase_if(out, [&home](const std::string& path) { return within(path, home); });
    return out;
}

// TLSRequired on|ctrl|auth (and their + forms): USER and PASS wait for AUTH TLS.
bool tls_required_for_login(const tls::Settings& settings) {
    return settings.required.auth || settings.required.control == config::tls_values::Need::required;
}

// The TCP control connection's endpoints, for a post-auth worker that talks to the client through the relay.
Result<ftp::RelayedControl> relayed_control(int tcp_fd) {
    boost::asio::ip::tcp::endpoint local;
    boost::asio::ip::tcp::endpoint peer;
    socklen_t local_len = static_cast<socklen_t>(local.capacity());
    socklen_t peer_len = static_cast<socklen_t>(peer.capacity());
    if (::getsockname(tcp_fd, local.data(), &local_len) != 0 || ::getpeername(tcp_fd, peer.data(), &peer_len) != 0) {
        return sys::errno_error("the control connection's endpoints");
    }
    local.resize(local_len);
    peer.resize(peer_len);
    return ftp::RelayedControl{local.address().to_string(), peer.address().to_string(), local.port(), peer.port()};
}

}  // namespace

WorkerProcess::WorkerProcess(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime,
                                     Connection connection, std::vector<std::string> connect_lines)
    : context_(context), runtime_(runtime), connection_(std::move(connection)), connect_lines_(std::move(connect_lines)) {}

// No log descriptor: SystemLog, syslog and TransferLog lines travel over the channel (forward_logs_to).
std::vector<int> WorkerProcess::kept_fds(int control_fd, int channel_fd) {
    return {0, 1, 2, control_fd, channel_fd};
}

bool WorkerProcess::tls_engine() const noexcept { return runtime_.tls.engine; }

void WorkerProcess::name_proxied_client(ftp::SessionSettings& settings) const {
    if (connection_.proxied) {
        settings.client_address = connection_.client_address;
        settings.client_port = connection_.client_port;
    }
}

void WorkerProcess::run_preauth(ipc::Channel channel, UniqueFd relay_end) {
    signals::reset_for_daemon_child();
    log::set_role(str_cat("worker ", connection_.client_address));
    ipc::forward_logs_to(channel.fd());
    null_stdio();
    ftp::SessionSettings settings =
        daemon::session_settings(*runtime_.server, nullptr, connection_.local_address, -1);
    settings.disabled_commands = context_.modules.disabled_commands();
    settings.sole_server = context_.servers && context_.servers->servers().size() == 1;  // HOST (RFC 7151)
    name_proxied_client(settings);
    settings.connect_lines = daemon::display_connect_lines(*runtime_.server, settings, connection_.local_address,
                                                           connection_.client_address);

    MonitorClient host(std::move(channel), runtime_.hooks, connect_lines_);
    if (runtime_.tls.engine) {
        // Built before confinement (OpenSSL reads its configuration now); the key signs through the monitor.
        auto context = tls::worker_context(runtime_.certificates, runtime_.tls.server,
                                           [&host](const tls::SignRequest& request) { return host.sign_handshake(request); });
        if (!context) {
            setup_failed("pre-auth worker", Error{str_cat("TLS: ", context.error().message)});
        }
        settings.tls = std::move(*context);
        settings.tls_engine = true;
        settings.tls_required_ctrl = tls_required_for_login(runtime_.tls);
        host.set_relay_end(std::move(relay_end));
    }

    sandbox::ChildSpec spec;
    spec.role = "pre-auth worker";
    spec.keep_fds = kept_fds(connection_.control_fd, host.monitor_fd());
    if (const int relay = host.relay_end_fd(); relay >= 0) {
        spec.keep_fds.push_back(relay);
    }
    spec.rlimits = {{RLIMIT_NOFILE, kPreauthFiles, kPreauthFiles}, {RLIMIT_CORE, 0, 0}};
    spec.parent_death_signal = SIGKILL;  // a worker never outlives its monitor
    if (context_.privileged) {
        spec.groups = std::vector<gid_t>{runtime_.preauth_gid};
        spec.gid = runtime_.preauth_gid;
        spec.uid = runtime_.preauth_uid;
        spec.chroot_dir = context_.empty_dir;
    }
    // No file of any kind, no TCP bind or connect: before login a worker only talks on what it was given.
    sandbox::LandlockRules nothing;
    nothing.tcp_bind = std::vector<std::uint16_t>{};
    nothing.tcp_connect = std::vector<std::uint16_t>{};
    spec.landlock = nothing;
    spec.seccomp = context_.policies.worker_preauth;
    const auto report = sandbox::apply(spec);
    if (!report) {
        setup_failed(spec.role.c_str(), report.error());
    }
    log::debug(2, "pre-auth worker confined: ", report->summary());

    boost::asio::io_context io;
    ftp::Session session(io, UniqueFd(connection_.control_fd), host, std::move(settings));
    run_session(session, io);
    ::_exit(0);
}

void WorkerProcess::run_postauth(ipc::Channel channel, const monitor::PostAuthPlan& plan,
                                 const ftp::HandoverState& state, UniqueFd relay_end) {
    signals::reset_for_daemon_child();
    log::set_role(str_cat("worker ", connection_.client_address, " ", plan.identity.user));
    ipc::forward_logs_to(channel.fd());
    null_stdio();
    const config::Server& server = *runtime_.server;
    const config::Context* anon = plan.anonymous ? server.anonymous_for(plan.identity.login_name) : nullptr;
    const int transfer_log = runtime_.transfer_log_for(anon);

    ftp::PostAuthSession post;
    post.identity = plan.identity;
    post.settings = daemon::session_settings(server, anon, connection_.local_address, transfer_log >= 0);
    name_proxied_client(post.settings);
    post.settings.default_chdir = daemon::default_chdir(server, anon, plan.identity, plan.account.group_names);
    post.policy = daemon::access_policy(server, anon, plan.identity, plan.account.group_names,
                                        connection_.client_address);
    post.names = daemon::NameTable::current(context_.names);  // before confinement: may read NSS again
    post.settings.tls_engine = runtime_.tls.engine;
    post.settings.tls_required_ctrl = runtime_.tls.engine && tls_required_for_login(runtime_.tls);
    int control_fd = connection_.control_fd;
    if (plan.tls_relay) {
        // The TLS stays in the pre-auth worker (the relay); this worker reads and writes the relay's plain end
        // and never holds the TCP connection, the TLS keys or the certificate's key.
        auto relayed = relayed_control(connection_.control_fd);
        if (!relayed || !relay_end.valid()) {
            setup_failed("post-auth worker", relayed ? Error{"no relay socket"} : relayed.error());
        }
        post.settings.relayed_control = std::move(*relayed);
        control_fd = relay_end.get();
    }

    sandbox::ChildSpec spec;
    spec.role = "post-auth worker";
    auto modules = ModuleLoading::prepare(context_.modules);
    if (!modules) {
        setup_failed("post-auth worker", modules.error());
    }
    spec.keep_fds = kept_fds(control_fd, channel.fd());
    for (const int fd : modules->fds()) {
        spec.keep_fds.push_back(fd);
    }
    spec.load_code = [&modules] { return modules->load(); };
    spec.rlimits = {{RLIMIT_NOFILE, kPostauthFiles, kPostauthFiles}, {RLIMIT_CORE, 0, 0}};
    spec.parent_death_signal = SIGKILL;
    if (context_.privileged) {
        spec.groups = plan.account.groups;
        spec.gid = plan.account.gid;
        spec.uid = plan.account.uid;
        if (!plan.chroot.empty()) {
            spec.chroot_dir = plan.chroot;
            post.identity.chrooted = true;
        }
    }
    if (!plan.chroot.empty()) {
        // Inside a chroot this repeats it as a second layer; without root it is the only fence.
        sandbox::LandlockRules tree;
        tree.read_write = {post.identity.chrooted ? std::string("/") : plan.chroot};
        spec.landlock = tree;
    } else {
        // No DefaultRoot: the user's uid decides as in ProFTPD, but /proc, /sys and the daemon's own files
        // stay out of reach (listed now, by this worker, so the list is what it could reach today).
        sandbox::LandlockRules fence;
        fence.read_write = sandbox::everything_but(
            fenced_off(context_.servers->config(), std::filesystem::path(plan.account.home).lexically_normal().string()));
        fence.skip_missing = true;
        spec.landlock = fence;
    }
    spec.seccomp = context_.policies.worker_postauth;
    const auto report = sandbox::apply(spec);
    if (!report) {
        setup_failed(spec.role.c_str(), report.error());
    }
    log::debug(2, "post-auth worker confined: ", report->summary());
    post.settings.disabled_commands = context_.modules.disabled_commands();
    post.settings.extensions = modules->extensions();

    MonitorClient host(std::move(channel), runtime_.hooks, {});
    host.enable_activity_reports();
    boost::asio::io_context io;
    ftp::Session session(io, UniqueFd(control_fd), host, std::move(post), state);
    run_session(session, io);
    ::_exit(0);
}

}  // namespace ward::worker
