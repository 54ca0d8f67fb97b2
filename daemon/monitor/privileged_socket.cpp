#include "daemon/monitor/privileged_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::monitor {

Result<UniqueFd> open_privileged_socket(const std::string& local_address, std::uint16_t port) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, local_address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        std::memcpy(&storage, &v4, sizeof v4);
        length = sizeof v4;
    } else if (::inet_pton(AF_INET6, local_address.c_str(), &v6.sin6_addr) == 1) {
        family = AF_INET6;
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        std::memcpy(&storage, &v6, sizeof v6);
        length = sizeof v6;
    } else {
        return Error{str_cat("not an IP address: '", local_address, "'")};
    }
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        return sys::errno_error("socket");
    }
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
        return sys::errno_error("setsockopt SO_REUSEADDR");
    }
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
        return sys::errno_error(str_cat("bind ", local_address, " port ", port));
    }
    return fd;
}

}  // namespace ward::monitor
