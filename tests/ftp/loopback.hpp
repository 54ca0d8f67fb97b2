#pragma once
// A connected loopback TCP pair (client end, accepted server end) for tests that drive a Session.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "base/unique_fd.hpp"

namespace ward::testing {

struct Connection {
    UniqueFd client;
    UniqueFd server;
};

inline Connection connect_loopback() {
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listener.get(), 1), 0);
    EXPECT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    Connection c;
    c.client.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(c.client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    c.server.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return c;
}

}  // namespace ward::testing
