#include "daemon/master/metrics_exporter.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstring>
#include <utility>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/metrics_address.hpp"
#include "config/values.hpp"
#include "sandbox/child_spec.hpp"
#include "sandbox/policies.hpp"

namespace ward::master::metrics {
namespace {

constexpr std::size_t kMaxRequest = 8192;
constexpr auto kClientTime = std::chrono::seconds(5);  // a whole request and answer, per connection
constexpr rlim_t kExporterFiles = 8;

[[noreturn]] void fail(std::string_view what, const Error& error) {
    log::error("metrics exporter: ", what, ": ", error.message);
    ::_exit(1);
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

// Reads until the end of the request head, the size bound or the deadline; "" when none came whole.
std::string read_head(int fd, std::chrono::steady_clock::time_point deadline) {
    std::string head;
    char buffer[1024];
    while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        if (head.size() >= kMaxRequest || ::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return {};
        }
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got <= 0) {
            return got < 0 && errno == EAGAIN ? head : std::string();
        }
        head.append(buffer, static_cast<std::size_t>(got));
    }
    return head;
}

void write_all_until(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) {
    while (!data.empty()) {
        const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        pollfd p{fd, POLLOUT, 0};
        if ((sent < 0 && errno != EAGAIN && errno != EINTR) || ::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            return;
        }
    }
}

std::string response(std::string_view status, std::string_view type, std::string_view body, bool with_body) {
    return str_cat("HTTP/1.1 ", status, "\r\nContent-Type: ", type, "\r\nContent-Length: ", body.size(),
                   "\r\nConnection: close\r\n\r\n", with_body ? body : std::string_view());
}

// One HTTP/1.x request per connection: GET or HEAD of /metrics; anything else gets its 4xx.
std::string answer(std::string_view head, const View& view) {
    const std::string_view line = head.substr(0, head.find_first_of("\r\n"));
    const auto words = split(line, ' ');
    if (words.size() != 3 || !words[2].starts_with("HTTP/1.")) {
        return response("400 Bad Request", "text/plain; charset=utf-8", "bad request\n", true);
    }
    const bool head_only = words[0] == "HEAD";
    if (words[0] != "GET" && !head_only) {
        return response("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n", true);
    }
    const std::string_view path = words[1].substr(0, words[1].find('?'));
    if (path != "/metrics") {
        return response("404 Not Found", "text/plain; charset=utf-8", "the metrics are at /metrics\n", !head_only);
    }
    return response("200 OK", "text/plain; version=0.0.4; charset=utf-8", view.render(), !head_only);
}

[[noreturn]] void serve(int listener, const View& view) {
    while (true) {
        pollfd p{listener, POLLIN, 0};
        if (::poll(&p, 1, -1) <= 0) {
            continue;  // EINTR
        }
        UniqueFd client(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!client.valid()) {
            continue;
        }
        const auto deadline = std::chrono::steady_clock::now() + kClientTime;
        const std::string head = read_head(client.get(), deadline);
        if (!head.empty()) {
            write_all_until(client.get(), answer(head, view), deadline);
        }
        (void)::shutdown(client.get(), SHUT_RDWR);
    }
}

// The exporter process's whole life, from the fork.
[[noreturn]] void run(const daemon::DaemonContext& context, UniqueFd listener, Board& board,
                      const sandbox::CompiledPolicy& policy) {
    signals::reset_for_daemon_child();
    log::set_role("metrics exporter");
    board.unmap_writable();
    auto view = View::map(board.fd());
    if (!view) {
        fail("mapping the counters", view.error());
    }
    const daemon::ServerRuntime& runtime = context.runtime.front();
    sandbox::ChildSpec spec;
    spec.role = "metrics exporter";
    spec.keep_fds = {listener.get(), log::sink().fd};
    spec.rlimits = {{RLIMIT_NOFILE, kExporterFiles, kExporterFiles}, {RLIMIT_CORE, 0, 0}};
    spec.parent_death_signal = SIGKILL;
    if (context.privileged) {
        spec.groups = std::vector<gid_t>{runtime.preauth_gid};
        spec.gid = runtime.preauth_gid;
        spec.uid = runtime.preauth_uid;
        spec.chroot_dir = context.empty_dir;
    }
    sandbox::LandlockRules nothing;  // no file of any kind, no TCP bind or connect
    nothing.tcp_bind = std::vector<std::uint16_t>{};
    nothing.tcp_connect = std::vector<std::uint16_t>{};
    spec.landlock = nothing;
    spec.seccomp = policy;
    log::prepare_for_confinement();
    const auto report = sandbox::apply(spec);
    if (!report) {
        fail("confinement", report.error());
    }
    log::debug(2, "metrics exporter confined: ", report->summary());
    // Nothing to say per request: the log descriptor, needed only for a failed start, is closed.
    const int log_fd = log::sink().fd;
    log::set_sink(log::Sink{log::Sink::Kind::none, -1, nullptr});
    if (log_fd > 2) {
        (void)::close(log_fd);
    }
    serve(listener.get(), *view);
}

}  // namespace

std::optional<ExporterSettings> exporter_settings(const daemon::DaemonContext& context) {
    const config::Server& main = context.servers->servers().front();
    const config::Directive* engine = main.get("PrometheusEngine");
    const config::Directive* exporter = main.get("PrometheusExporter");
    if (engine == nullptr || !config::as_bool(*engine) || exporter == nullptr) {
        return std::nullopt;
    }
    auto parsed = config::parse_exporter_address(exporter->args.front());
    if (!parsed) {
        return std::nullopt;  // refused at load: a configuration with a bad address never gets here
    }
    return ExporterSettings{parsed->address, parsed->port};
}

Result<Exporter> Exporter::start(const daemon::DaemonContext& context, const ExporterSettings& settings,
                                 Board& board) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(settings.address, ec);
    if (ec) {
        return Error{str_cat("PrometheusExporter: '", settings.address, "' is not an IP address")};
    }
    auto policy = sandbox::policies::metrics_exporter().compile();
    if (!policy) {
        return std::move(policy).error();
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.is_v4()) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(settings.port);
        const auto bytes = address.to_v4().to_bytes();
        std::memcpy(&in.sin_addr, bytes.data(), bytes.size());
        std::memcpy(&storage, &in, sizeof in);
        length = sizeof in;
    } else {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(settings.port);
        const auto bytes = address.to_v6().to_bytes();
        std::memcpy(&in6.sin6_addr, bytes.data(), bytes.size());
        std::memcpy(&storage, &in6, sizeof in6);
        length = sizeof in6;
    }
    UniqueFd listener(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int on = 1;
    const std::string where = str_cat("PrometheusExporter ", settings.address, " port ", settings.port);
    if (!listener.valid() || ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        ::bind(listener.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        ::listen(listener.get(), SOMAXCONN) != 0) {
        return sys::errno_error(str_cat("cannot listen on ", where));
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        return sys::errno_error("fork for the metrics exporter");
    }
    if (pid == 0) {
        run(context, std::move(listener), board, *policy);
    }
    log::notice("metrics exporter (pid ", pid, ") serving /metrics on ", settings.address, " port ", settings.port);
    return Exporter(pid, settings);
}

Exporter::Exporter(Exporter&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), settings_(std::move(other.settings_)) {}

Exporter::~Exporter() {
    if (pid_ > 0) {
        (void)::kill(pid_, SIGTERM);
        (void)::waitpid(pid_, nullptr, 0);
    }
}

}  // namespace ward::master::metrics
