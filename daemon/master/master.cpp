#include "daemon/master/master.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/v6_only.hpp>

#include <algorithm>

#include "base/log.hpp"
#include "base/sys.hpp"
#include "base/strings.hpp"
#include "config/values.hpp"
#include "daemon/master/login_counts.hpp"
#include "daemon/monitor/session_process.hpp"
#include "daemon/master/event_hooks.hpp"

namespace ward::master {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kShutdownGrace = std::chrono::seconds(10);

std::string address_text(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

unsigned directive_unsigned(const config::Server& server, std::string_view name) {
    const config::Directive* d = server.get(name);
    return d != nullptr ? static_cast<unsigned>(config::as_unsigned(*d)) : 0U;
}

}  // namespace

Master::Master(asio::io_context& io, std::shared_ptr<daemon::DaemonContext> context, MasterOptions options)
    : io_(io),
      context_(std::move(context)),
      options_(std::move(options)),
      limits_(LimitSettings{}),
      signals_(io, SIGCHLD, SIGHUP, SIGTERM),
      shutdown_timer_(io) {
    signals_.add(SIGINT);
    limits_.update(limit_settings());
}

LimitSettings Master::limit_settings() const {
    const config::Server& main = context_->servers->servers().front();
    LimitSettings settings;
    settings.max_instances = directive_unsigned(main, "MaxInstances");
    if (const config::Directive* rate = main.get("MaxConnectionRate")) {
        settings.max_connection_rate = static_cast<unsigned>(config::as_unsigned(*rate, 0));
        if (rate->args.size() > 1) {
            settings.rate_interval = config::as_seconds(*rate, 1);
        }
    }
    return settings;
}

Result<std::unique_ptr<Master::Listener>> Master::open_listener(const BindPoint& point) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(point.address, ec);
    if (ec) {
        return Error{str_cat("cannot listen on '", point.address, "': not an IP address")};
    }
    auto listener = std::make_unique<Listener>(Listener{point, tcp::acceptor(io_)});
    const tcp::endpoint endpoint(address, point.port);
    tcp::acceptor& acceptor = listener->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec && address.is_v6() && address.to_v6().is_unspecified()) {
        acceptor.set_option(asio::ip::v6_only(false), ec);  // "::" serves IPv4 clients too
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return Error{str_cat("cannot listen on ", point.address, " port ", point.port, ": ", ec.message())};
    }
    return listener;
}

// The control socket opens first: once a client can connect to a port, wardctl can reach the daemon too.
Result<void> Master::listen() {
    auto control = ControlSocket::open(
        io_, context_->servers->config(), [this]() -> daemon::DaemonContext& { return *context_; }, &sessions_,
        [this] { metrics_.add(metrics::Slot::module_loads); });
    if (!control) {
        return std::move(control).error();
    }
    control_ = std::move(*control);
    for (const auto& point : plan_listeners(*context_->servers)) {
        auto listener = open_listener(point);
        if (!listener) {
            listeners_.clear();
            control_.reset();
            return std::move(listener).error();
        }
        listeners_.push_back(std::move(*listener));
    }
    if (listeners_.empty()) {
        control_.reset();
        return Error{"no server has a port to listen on (every Port is 0)"};
    }
    if (auto started = start_metrics(); !started) {
        listeners_.clear();
        control_.reset();
        return started;
    }
    return {};
}

std::vector<BindPoint> Master::listening() const {
    std::vector<BindPoint> points;
    for (const auto& l : listeners_) {
        points.push_back(l->point);
    }
    return points;
}

Result<void> Master::confine() {
    auto held = confine_master(*context_);
    if (!held) {
        return std::move(held).error();
    }
    confinement_ = *held;
    return {};
}

void Master::start() {
    for (auto& listener : listeners_) {
        accept_next(*listener);
    }
    wait_for_signals();
}

void Master::accept_next(Listener& listener) {
    listener.acceptor.async_accept([this, &listener](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !listener.acceptor.is_open()) {
            return;
        }
        if (!ec) {
            on_accept(listener, std::move(socket));
        } else {
            log::warning("accept on ", listener.point.address, " port ", listener.point.port, ": ", ec.message());
        }
        if (!shutting_down_ && listener.acceptor.is_open()) {
            accept_next(listener);
        }
    });
}

void Master::on_accept(Listener& listener, tcp::socket socket) {
    boost::system::error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    const tcp::endpoint local = ec ? tcp::endpoint() : socket.local_endpoint(ec);
    if (ec || shutting_down_) {
        return;
    }
    const std::string client = address_text(remote.address());
    const std::string local_ip = address_text(local.address());
    const config::Server* server = context_->servers->match(local_ip, local.port());
    if (server == nullptr) {
        log::notice("no server for ", local_ip, " port ", local.port(), "; closing the connection from ", client);
        metrics_.add(metrics::Slot::refused_no_server);
        return;
    }
    const daemon::ServerRuntime& runtime = context_->runtime_for(*server);
    const bool proxied = runtime.proxy.engine;
    if (proxied && !runtime.proxy.trusts(client)) {
        log::notice("connection from ", client, " closed: ProxyProtocolEngine is on and ", client,
                    " is not in ProxyProtocolTrustedProxies");
        metrics_.add(metrics::Slot::refused_untrusted_proxy);
        return;
    }
    // From a proxy the per-host limits wait for the client its header names (answer_proxied_client).
    const Admission admission =
        limits_.admit(client, ConnectionLimits::Clock::now(), proxied ? HostLimits{} : host_limits(*server));
    if (admission != Admission::admit) {
        refuse(socket, admission, *server, runtime);
        return;
    }
    monitor::AcceptedConnection connection{UniqueFd(socket.release(ec)), client, remote.port(), local_ip, local.port(),
                                           {}, proxied, {}};
    if (ec) {
        log::error("cannot take the accepted socket: ", ec.message());
        return;
    }
    if (runtime.key_process) {
        auto key_channel = runtime.key_process->connect();
        if (!key_channel) {
            log::error("cannot connect a session to the TLS key process: ", key_channel.error().message);
            return;  // a TLS server's session cannot run without its signatures
        }
        connection.key_channel = std::move(*key_channel);
    }
    if (options_.single_session) {
        listeners_.clear();
        monitor::run_session_process(*context_, runtime, std::move(connection));  // one session: nothing to count
    }
    auto link = ipc::Channel::make_pair();
    if (!link) {
        log::error("cannot link a session to the master: ", link.error().message);
        return;
    }
    connection.master_link = std::move(link->second);
    const pid_t pid = ::fork();
    if (pid == 0) {
        link->first.close();
        monitor::run_session_process(*context_, runtime, std::move(connection));
    }
    if (pid < 0) {
        log::error("fork for a session from ", client, ": ", sys::errno_name(errno));
        return;
    }
    if (runtime.key_process) {
        key_users_[pid] = runtime.key_process;
    }
    // The class from the master's own view of the client (a proxied session's is set again from its header).
    limits_.session_started(pid, client, str_cat(local_ip, " ", local.port()), server->class_of(client));
    metrics_.add(metrics::Slot::connections);
    metrics_.set(metrics::Slot::sessions, limits_.sessions());
    sessions_.started(SessionRecord{pid, client, remote.port(), str_cat(local_ip, ":", local.port()), {}, false,
                                    std::chrono::system_clock::now(), {}});
    auto session_link = std::make_unique<SessionLink>(
        SessionLink{std::move(link->first), asio::posix::stream_descriptor(io_), local_ip, local.port(), proxied});
    session_link->channel.set_send_timeout(std::chrono::milliseconds(0));  // the master never waits on a session
    session_link->watch.assign(::dup(session_link->channel.fd()), ec);
    if (ec) {
        log::error("cannot watch the link of session ", pid, ": ", ec.message());
    } else {
        links_[pid] = std::move(session_link);
        watch_link(pid);
    }
    log::debug(3, "session ", pid, " for ", client, " on ", listener.point.address, " port ", listener.point.port);
}

void Master::watch_link(pid_t pid) {
    const auto it = links_.find(pid);
    if (it == links_.end()) {
        return;
    }
    it->second->watch.async_wait(asio::posix::descriptor_base::wait_read, [this, pid](boost::system::error_code ec) {
        if (ec) {
            return;  // closed: the session was reaped
        }
        const auto found = links_.find(pid);
        if (found == links_.end()) {
            return;
        }
        if (answer_login_count(pid, *found->second)) {
            watch_link(pid);
        } else {
            links_.erase(found);  // the session keeps counting until it is reaped; it cannot log in again
        }
    });
}

bool Master::answer_login_count(pid_t pid, SessionLink& link) {
    auto received = link.channel.receive(std::chrono::milliseconds(0));
    if (!received) {
        if (link.channel.last_failure() != ipc::Failure::peer_closed) {
            log::error("session ", pid, ": bad message on its link to the master: ", received.error().message);
        }
        return false;
    }
    if (const auto* proxied = std::get_if<ipc::ProxiedClient>(&received->message);
        proxied != nullptr && link.expects_proxied_client && !received->fd.valid()) {
        link.expects_proxied_client = false;
        return answer_proxied_client(pid, link, *proxied);
    }
    if (const auto* event = std::get_if<ipc::SessionEvent>(&received->message);
        event != nullptr && !received->fd.valid() && !link.expects_proxied_client) {
        count_session_event(*event);
        return true;
    }
    if (const auto* activity = std::get_if<ipc::SessionActivity>(&received->message);
        activity != nullptr && !received->fd.valid() && !link.expects_proxied_client) {
        const ipc::WorkerActivity& a = activity->activity;
        sessions_.activity(pid, a.command, a.transferring, a.bytes, a.size, std::chrono::system_clock::now());
        return true;
    }
    const auto* request = std::get_if<ipc::LoginCountRequest>(&received->message);
    if (request == nullptr || received->fd.valid() || link.expects_proxied_client) {
        log::error("session ", pid, " sent ", ipc::type_name(ipc::type_of(received->message)),
                   " on its link to the master; only login counts are asked there");
        return false;
    }
    ipc::LoginCountAnswer answer;
    const config::Server* server = context_->servers->match(link.local_address, link.local_port);
    if (server == nullptr) {  // after a reload that removed the server: refuse, as a new connection would be
        answer.limit = "the master's count";
        answer.reply = "Login incorrect.";
    } else {
        const config::Context* anon = server->anonymous_for(request->login_name);
        const std::string conn_class = limits_.class_of(pid);
        const LoginCount counted = limits_.login(pid, request->account, login_limits(*server, anon, conn_class));
        answer.admitted = counted == LoginCount::admit;
        metrics_.add(answer.admitted ? metrics::Slot::login_success : metrics::Slot::login_refused);
        if (answer.admitted) {
            sessions_.logged_in(pid, request->account);
        } else {
            answer.limit = login_count_name(counted);
            answer.reply = login_refusal(counted, *server, anon, conn_class).substr(0, ipc::Limits::reply_text);
        }
    }
    if (auto sent = link.channel.send(answer); !sent) {
        log::error("session ", pid, ": cannot answer its login count: ", sent.error().message);
        return false;
    }
    return true;
}

bool Master::answer_proxied_client(pid_t pid, SessionLink& link, const ipc::ProxiedClient& client) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(client.address, ec);
    if (ec) {
        log::error("session ", pid, " named the proxied client '", client.address, "', which is not an address");
        return false;
    }
    ipc::ProxiedClientAnswer answer;
    const config::Server* server = context_->servers->match(link.local_address, link.local_port);
    if (server == nullptr) {
        answer.limit = "the master's count";
        answer.reply = "Too many connections; try again later";
    } else {
        const std::string named = address_text(address);
        const Admission admitted = limits_.proxied_client(pid, named, host_limits(*server), server->class_of(named));
        answer.admitted = admitted == Admission::admit;
        if (answer.admitted) {
            sessions_.named_client(pid, address_text(address), client.port);
        } else {
            answer.limit = admission_name(admitted);
            answer.reply = host_refusal(admitted, *server).substr(0, ipc::Limits::reply_text);
        }
    }
    if (auto sent = link.channel.send(answer); !sent) {
        log::error("session ", pid, ": cannot answer its proxied client: ", sent.error().message);
        return false;
    }
    return true;
}

void Master::refuse(tcp::socket& socket, Admission why, const config::Server& server,
                    const daemon::ServerRuntime& runtime) {
    const LimitSettings& settings = limits_.settings();
    count_refusal(why);
    std::string reply;
    switch (why) {
        case Admission::max_instances:
            log::warning("MaxInstances (", settings.max_instances, ") reached, new connection denied");
            reply = "421 Too many connections; try again later\r\n";
            break;
        case Admission::max_clients_per_host:
        case Admission::max_connections_per_host: {
            const HostLimits host = host_limits(server);
            log::notice(admission_name(why), " (",
                        why == Admission::max_clients_per_host ? host.max_clients_per_host
                                                               : host.max_connections_per_host,
                        ") reached, new connection denied");
            reply = str_cat("530 ", host_refusal(why, server), "\r\n");
            break;
        }
        case Admission::max_connection_rate:
            log::notice("MaxConnectionRate (", settings.max_connection_rate, "/", settings.rate_interval.count(),
                        " secs) reached, new connection denied");
            reply = "421 Too many connections; try again later\r\n";
            break;
        case Admission::admit:
            return;
    }
    (void)::send(socket.native_handle(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (why != Admission::max_clients_per_host && why != Admission::max_connections_per_host) {
        boost::system::error_code ec;
        const tcp::endpoint remote = socket.remote_endpoint(ec);
        const tcp::endpoint local = socket.local_endpoint(ec);
        fire_event_hooks(*context_, runtime, admission_name(why),
                                 {address_text(remote.address()), remote.port(), address_text(local.address()),
                                  local.port()});
    }
}

void Master::wait_for_signals() {
    signals_.async_wait([this](boost::system::error_code ec, int sig) {
        if (ec) {
            return;
        }
        switch (sig) {
            case SIGCHLD: reap_children(); break;
            case SIGHUP: reload(); break;
            default: shut_down(); break;
        }
        if (!io_.stopped()) {
            wait_for_signals();
        }
    });
}

void Master::reap_children() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (count_child_end(pid, status)) {
            continue;  // the metrics exporter, not a session
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            log::warning("session process ", pid, WIFSIGNALED(status) ? " killed by signal " : " exited with status ",
                         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        }
        limits_.session_ended(pid);
        sessions_.ended(pid);
        links_.erase(pid);
        metrics_.set(metrics::Slot::sessions, limits_.sessions());
        key_users_.erase(pid);
    }
    if (shutting_down_ && limits_.sessions() == 0) {
        shutdown_timer_.cancel();
        io_.stop();
    }
}

void Master::reload() {
    if (shutting_down_ || !options_.reload) {
        return;
    }
    log::notice("received SIGHUP: reading the configuration again");
    auto fresh = options_.reload();
    if (!fresh) {
        log::error("reload failed, the current configuration stays in force: ", fresh.error().message);
        return;
    }
    if (auto fits = reload_fits(confinement_, **fresh); !fits) {
        log::error("reload failed, the current configuration stays in force: ", fits.error().message);
        return;
    }
    // Open what the new configuration adds before anything is swapped: a port that cannot be bound
    // leaves the running configuration untouched.
    const auto wanted = plan_listeners(*(*fresh)->servers);
    std::vector<std::unique_ptr<Listener>> added;
    for (const auto& point : wanted) {
        const bool have = std::any_of(listeners_.begin(), listeners_.end(),
                                      [&](const auto& l) { return l->point == point; });
        if (have) {
            continue;
        }
        auto listener = open_listener(point);
        if (!listener) {
            log::error("reload failed, the current configuration stays in force: ", listener.error().message);
            return;
        }
        added.push_back(std::move(*listener));
    }
    context_ = std::move(*fresh);
    limits_.update(limit_settings());
    std::erase_if(listeners_, [&](const auto& l) {
        return std::find(wanted.begin(), wanted.end(), l->point) == wanted.end();
    });
    for (auto& listener : added) {
        accept_next(*listener);
        listeners_.push_back(std::move(listener));
    }
    count_modules();
    if (const auto wanted_metrics = metrics::exporter_settings(*context_);
        wanted_metrics.has_value() != exporter_.has_value() ||
        (exporter_ && (wanted_metrics->address != exporter_->settings().address ||
                       wanted_metrics->port != exporter_->settings().port))) {
        log::warning("reload: PrometheusEngine/PrometheusExporter changed; the metrics exporter keeps its start-up "
                     "setting until the daemon is restarted");
    }
    log::notice("configuration reloaded from ", context_->servers->config().source);
    fire_restart_hooks(*context_);
}

void Master::shut_down() {
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    log::notice("shutting down: ending ", limits_.sessions(), " sessions");
    listeners_.clear();
    control_.reset();
    exporter_.reset();
    for (const pid_t pid : limits_.session_pids()) {
        (void)::kill(pid, SIGTERM);
    }
    if (limits_.sessions() == 0) {
        io_.stop();
        return;
    }
    shutdown_timer_.expires_after(kShutdownGrace);
    shutdown_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) {
            return;
        }
        for (const pid_t pid : limits_.session_pids()) {
            log::warning("session ", pid, " did not end in time; killing it");
            (void)::kill(pid, SIGKILL);
        }
        io_.stop();
    });
}

}  // namespace ward::master
