#pragma once
// The one network privilege a session may use: a TCP connection from a port below 1024 on the session's
// own local address (active-mode data from port L-1, ProFTPD's behaviour). The monitor makes the
// connection itself and passes only the connected socket: the worker can neither choose where a
// privileged source port connects nor listen() on it.
#include <chrono>
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::monitor {

struct Endpoint {
    std::string address;  // an IP address as text
    std::uint16_t port = 0;
};

// True when both are IP addresses and the same one ("::ffff:1.2.3.4" is not "1.2.3.4": the master
// unmaps client addresses before the session starts).
[[nodiscard]] bool same_address(const std::string& a, const std::string& b);

// Binds `local`, connects to `target` without blocking for more than `timeout`, and returns the
// connected socket (non-blocking).
[[nodiscard]] Result<UniqueFd> connect_privileged_socket(const Endpoint& local, const Endpoint& target,
                                                         std::chrono::milliseconds timeout);

}  // namespace ward::monitor
