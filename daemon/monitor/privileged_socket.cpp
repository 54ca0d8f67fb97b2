#include "daemon/monitor/privileged_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::monitor {
namespace {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

std::optional<SocketAddress> parse(const Endpoint& endpoint) {
    SocketAddress out;
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, endpoint.address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(endpoint.port);
        std::memcpy(&out.storage, &v4, sizeof v4);
        out.length = sizeof v4;
        out.family = AF_INET;
        return out;
    }
    if (::inet_pton(AF_INET6, endpoint.address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(endpoint.port);
        std::memcpy(&out.storage, &v6, sizeof v6);
        out.length = sizeof v6;
        out.family = AF_INET6;
        return out;
    }
    return std::nullopt;
}

Result<void> wait_connected(int fd, const SocketAddress& to, std::chrono::milliseconds timeout, const Endpoint& target) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd, POLLOUT, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0)));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            return sys::errno_error("poll");
        }
        if (ready == 0) {
            return Error{str_cat("connect to ", target.address, " port ", target.port, ": timed out after ",
                                 timeout.count(), " ms")};
        }
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
            return sys::errno_error("getsockopt SO_ERROR");
        }
        if (error != 0) {
            return sys::errno_error(str_cat("connect to ", target.address, " port ", target.port), error);
        }
        // Connecting again completes the socket's state: from then on every connect() on it fails with
        // EISCONN, so the worker cannot use the idiom to move it.
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&to.storage), to.length) != 0 && errno != EISCONN) {
            return sys::errno_error(str_cat("connect to ", target.address, " port ", target.port));
        }
        return {};
    }
}

}  // namespace

bool same_address(const std::string& a, const std::string& b) {
    const auto x = parse(Endpoint{a, 0});
    const auto y = parse(Endpoint{b, 0});
    return x && y && x->family == y->family && x->length == y->length &&
           std::memcmp(&x->storage, &y->storage, x->length) == 0;
}

Result<UniqueFd> connect_privileged_socket(const Endpoint& local, const Endpoint& target,
                                           std::chrono::milliseconds timeout) {
    const auto from = parse(local);
    const auto to = parse(target);
    if (!from || !to) {
        return Error{str_cat("not an IP address: '", from ? target.address : local.address, "'")};
    }
    if (from->family != to->family) {
        return Error{str_cat("cannot connect from ", local.address, " to ", target.address, ": address families differ")};
    }
    UniqueFd fd(::socket(from->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        return sys::errno_error("socket");
    }
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        return sys::errno_error("setsockopt SO_REUSEADDR");
    }
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&from->storage), from->length) != 0) {
        return sys::errno_error(str_cat("bind ", local.address, " port ", local.port));
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to->storage), to->length) != 0) {
        if (errno != EINPROGRESS) {
            return sys::errno_error(str_cat("connect to ", target.address, " port ", target.port));
        }
        if (auto connected = wait_connected(fd.get(), *to, timeout, target); !connected) {
            return std::move(connected).error();
        }
    }
    return fd;
}

}  // namespace ward::monitor
