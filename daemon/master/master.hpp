#pragma once
// The master process: listens, admits or refuses connections (MaxInstances, MaxClientsPerHost,
// MaxConnectionsPerHost, MaxConnectionRate), forks one session process per connection, counts logins
// (MaxClients, MaxClientsPerUser, MaxHostsPerUser) when a session's monitor asks over its link, reaps
// them, reloads on SIGHUP (a new context is built completely before it replaces the old one) and shuts
// down cleanly on SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/ipc/channel.hpp"
#include "daemon/master/connection_limits.hpp"
#include "daemon/master/control_socket.hpp"
#include "daemon/master/listeners.hpp"
#include "daemon/master/metrics_board.hpp"
#include "daemon/master/metrics_exporter.hpp"
#include "daemon/master/self_confine.hpp"
#include "daemon/master/session_registry.hpp"

namespace ward::master {

struct MasterOptions {
    // Reads the configuration again and prepares a context from it (SIGHUP).
    std::function<Result<std::shared_ptr<daemon::DaemonContext>>()> reload;
    bool single_session = false;  // -X: serve one connection in this process, then exit
};

class Master {
public:
    Master(boost::asio::io_context& io, std::shared_ptr<daemon::DaemonContext> context, MasterOptions options);

    // Binds every listener of the current context; an error names the address and port.
    [[nodiscard]] Result<void> listen();
    // Starts accepting and handling signals; io.run() returns after a shutdown.
    void start();
    [[nodiscard]] std::vector<BindPoint> listening() const;
    // Once the ports and files are open: capabilities cut, no_new_privs, the master seccomp policy.
    [[nodiscard]] Result<void> confine();
    [[nodiscard]] const SelfConfinement& confinement() const noexcept { return confinement_; }
    [[nodiscard]] const daemon::DaemonContext& context() const noexcept { return *context_; }

private:
    struct Listener {
        BindPoint point;
        boost::asio::ip::tcp::acceptor acceptor;
    };

    // A session process's link: its monitor asks for login counts here (and nothing else).
    struct SessionLink {
        ipc::Channel channel;
        boost::asio::posix::stream_descriptor watch;  // a duplicate of the channel's fd, for async waits
        std::string local_address;                    // the server the session reached, found again per login
        std::uint16_t local_port = 0;
        bool expects_proxied_client = false;  // from a trusted proxy: its first message names the client
    };

    Result<std::unique_ptr<Listener>> open_listener(const BindPoint& point);
    void watch_link(pid_t pid);
    bool answer_login_count(pid_t pid, SessionLink& link);
    bool answer_proxied_client(pid_t pid, SessionLink& link, const ipc::ProxiedClient& client);
    // metrics_events.cpp: the metrics endpoint (PrometheusEngine) and what the master counts for it.
    Result<void> start_metrics();
    void count_session_event(const ipc::SessionEvent& event);
    void count_refusal(Admission why);
    bool count_child_end(pid_t pid, int status);  // true: it was the exporter
    void count_modules();
    void accept_next(Listener& listener);
    void on_accept(Listener& listener, boost::asio::ip::tcp::socket socket);
    void refuse(boost::asio::ip::tcp::socket& socket, Admission why, const config::Server& server,
                const daemon::ServerRuntime& runtime);
    void wait_for_signals();
    void reap_children();
    void reload();
    void shut_down();
    [[nodiscard]] LimitSettings limit_settings() const;

    boost::asio::io_context& io_;
    std::shared_ptr<daemon::DaemonContext> context_;
    MasterOptions options_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    ConnectionLimits limits_;
    SessionRegistry sessions_;  // wardctl who / kick
    std::map<pid_t, std::unique_ptr<SessionLink>> links_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer shutdown_timer_;
    std::unique_ptr<ControlSocket> control_;  // ControlsEngine on: wardctl lsmod/insmod/rmmod
    metrics::Board metrics_;                   // disabled unless PrometheusEngine is on
    std::optional<metrics::Exporter> exporter_;
    SelfConfinement confinement_;
    bool shutting_down_ = false;
};

}  // namespace ward::master
