#include "daemon/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::daemon {

Result<ServiceNotifier> ServiceNotifier::to(std::string_view socket_path) {
    ServiceNotifier notifier;
    if (socket_path.empty()) {
        return notifier;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path || (socket_path[0] != '/' && socket_path[0] != '@')) {
        return Error{str_cat("NOTIFY_SOCKET '", socket_path, "' is neither an absolute path nor an abstract name")};
    }
    socket_path.copy(addr.sun_path, socket_path.size());
    if (addr.sun_path[0] == '@') {
        addr.sun_path[0] = '\0';
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        return sys::errno_error("socket for NOTIFY_SOCKET");
    }
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size());
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), length) != 0) {
        return sys::errno_error(str_cat("connect NOTIFY_SOCKET ", socket_path));
    }
    notifier.fd_ = std::move(fd);
    return notifier;
}

Result<ServiceNotifier> ServiceNotifier::from_environment() {
    const char* path = std::getenv("NOTIFY_SOCKET");
    const std::string copy = path == nullptr ? std::string() : std::string(path);
    ::unsetenv("NOTIFY_SOCKET");
    return to(copy);
}

Result<void> ServiceNotifier::send(std::string_view state) const {
    if (!fd_) {
        return {};
    }
    if (::send(fd_.get(), state.data(), state.size(), MSG_NOSIGNAL) < 0) {
        return sys::errno_error("sending to NOTIFY_SOCKET");
    }
    return {};
}

Result<void> ServiceNotifier::ready(std::string_view status) const {
    return send(str_cat("READY=1\nSTATUS=", status));
}

Result<void> ServiceNotifier::reloading() const {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                      static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
    return send(str_cat("RELOADING=1\nMONOTONIC_USEC=", usec));
}

Result<void> ServiceNotifier::stopping() const { return send("STOPPING=1"); }

}  // namespace ward::daemon
