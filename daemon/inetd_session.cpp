#include "daemon/inetd_session.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <optional>
#include <string_view>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/unique_fd.hpp"
#include "daemon/monitor/session_process.hpp"

namespace ward::daemon {
namespace {

// What only a standalone master applies, and what takes its place under inetd or a socket unit.
struct MasterOnly {
    std::string_view name;
    std::string_view instead;
};
constexpr std::array<MasterOnly, 10> kMasterOnly = {{
    {"MaxInstances", "the socket unit's MaxConnections= (or inetd's own limit)"},
    {"MaxConnectionRate", "the socket unit's TriggerLimitIntervalSec=/TriggerLimitBurst="},
    {"MaxClients", "the socket unit's MaxConnections="},
    {"MaxClientsPerHost", "the socket unit's MaxConnectionsPerSource="},
    {"MaxConnectionsPerHost", "the socket unit's MaxConnectionsPerSource="},
    {"MaxClientsPerUser", "nothing: each session process is alone and cannot count another's logins"},
    {"MaxHostsPerUser", "nothing: each session process is alone and cannot count another's logins"},
    {"ControlsEngine", "nothing: there is no master to ask (wardctl who/kick need ServerType standalone)"},
    {"PrometheusEngine", "nothing: there is no master to count (metrics need ServerType standalone)"},
    {"MaxClientsPerClass", "nothing: each session process is alone and cannot count another's sessions"},
}};

struct Endpoint {
    std::string address;
    std::uint16_t port = 0;
};

std::optional<Endpoint> endpoint(const sockaddr_storage& storage) {
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, &storage, sizeof in);
        (void)::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
        return Endpoint{text, ntohs(in.sin_port)};
    }
    if (storage.ss_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, &storage, sizeof in6);
        if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
            (void)::inet_ntop(AF_INET, &in6.sin6_addr.s6_addr[12], text, sizeof text);
        } else {
            (void)::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
        }
        return Endpoint{text, ntohs(in6.sin6_port)};
    }
    return std::nullopt;
}

std::optional<Endpoint> side_of(int fd, bool peer) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    auto* address = reinterpret_cast<sockaddr*>(&storage);
    if ((peer ? ::getpeername(fd, address, &length) : ::getsockname(fd, address, &length)) != 0) {
        return std::nullopt;
    }
    return endpoint(storage);
}

bool same_file(int a, int b) {
    struct stat sa {};
    struct stat sb {};
    return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

bool inetd_mode(const config::ServerSet& servers) {
    const config::Directive* type = servers.servers().front().get("ServerType");
    return type != nullptr && iequals(type->args.at(0), "inetd");
}

std::vector<std::string> inetd_warnings(const config::ServerSet& servers) {
    std::vector<std::string> warnings;
    if (!inetd_mode(servers)) {
        return warnings;
    }
    for (const auto& server : servers.servers()) {
        for (const auto& [name, instead] : kMasterOnly) {
            const config::Directive* d = server.get(name);
            if (d != nullptr && d->where.line > 0 && (name.ends_with("Engine") ? iequals(d->args.at(0), "on") : true)) {
                warnings.push_back(str_cat(to_string(d->where), ": ", name, " has no effect with ServerType inetd (one ",
                                           "process per connection, no master); use ", instead));
            }
        }
    }
    return warnings;
}

int serve_inetd(const std::shared_ptr<DaemonContext>& context, const std::function<int()>& open_syslog) {
    const auto peer = side_of(STDIN_FILENO, true);
    const auto local = side_of(STDIN_FILENO, false);
    if (!peer || !local) {
        log::error("ServerType inetd: standard input is not a TCP connection; inetd or a systemd socket unit "
                   "with Accept=yes starts wardftpd this way (ServerType standalone listens itself)");
        return 1;
    }
    UniqueFd socket(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3));
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!socket.valid() || !null.valid()) {
        log::error("ServerType inetd: cannot take the connection from standard input");
        return 1;
    }
    // The session talks on `socket` only; no log line may reach the client through stdout or stderr.
    const bool stderr_is_connection = same_file(STDERR_FILENO, socket.get());
    (void)::dup2(null.get(), STDIN_FILENO);
    (void)::dup2(null.get(), STDOUT_FILENO);
    if (stderr_is_connection) {
        (void)::dup2(null.get(), STDERR_FILENO);
    }
    if (context->system_log.valid()) {
        log::set_sink({log::Sink::Kind::file, context->system_log.get()});
    } else if (stderr_is_connection) {
        const int fd = open_syslog();
        log::set_sink(fd >= 0 ? log::Sink{log::Sink::Kind::syslog, fd} : log::Sink{log::Sink::Kind::none, -1});
    }
    log::prepare_for_confinement();
    for (const auto& warning : context->warnings) {
        log::warning(warning);
    }
    const config::Server* server = context->servers->match(local->address, local->port);
    if (server == nullptr) {
        // The socket unit's port need not be the configuration's Port: the address decides, else the main server.
        server = &context->servers->servers().front();
    }
    log::notice("ServerType inetd: session from ", peer->address, " port ", peer->port, " on ", local->address,
                " port ", local->port);
    const ServerRuntime& runtime = context->runtime_for(*server);
    if (runtime.proxy.engine && !runtime.proxy.trusts(peer->address)) {
        log::notice("connection from ", peer->address, " closed: ProxyProtocolEngine is on and ", peer->address,
                    " is not in ProxyProtocolTrustedProxies");
        return 1;
    }
    monitor::AcceptedConnection connection{std::move(socket), peer->address, peer->port, local->address, local->port,
                                           {}, runtime.proxy.engine, {}};
    if (runtime.key_process) {
        auto key_channel = runtime.key_process->connect();
        if (!key_channel) {
            log::error("cannot connect the session to the TLS key process: ", key_channel.error().message);
            return 1;
        }
        connection.key_channel = std::move(*key_channel);
    }
    monitor::run_session_process(*context, runtime, std::move(connection));
}

}  // namespace ward::daemon
