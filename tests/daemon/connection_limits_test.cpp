#include "daemon/master/connection_limits.hpp"

#include <gtest/gtest.h>

namespace ward::master {
namespace {

using namespace std::chrono_literals;
using Clock = ConnectionLimits::Clock;

TEST(ConnectionLimits, MaxInstancesCountsLiveSessions) {
    ConnectionLimits limits({.max_instances = 2});
    const auto now = Clock::now();
    EXPECT_EQ(limits.admit("10.0.0.1", now), Admission::admit);
    limits.session_started(100, "10.0.0.1");
    EXPECT_EQ(limits.admit("10.0.0.2", now), Admission::admit);
    limits.session_started(101, "10.0.0.2");
    EXPECT_EQ(limits.admit("10.0.0.3", now), Admission::max_instances);
    limits.session_ended(100);
    EXPECT_EQ(limits.admit("10.0.0.3", now), Admission::admit);
}

TEST(ConnectionLimits, MaxClientsPerHostIsPerAddress) {
    ConnectionLimits limits({});
    const auto now = Clock::now();
    limits.session_started(100, "10.0.0.1");
    EXPECT_EQ(limits.admit("10.0.0.1", now, 1), Admission::max_clients_per_host);
    EXPECT_EQ(limits.admit("10.0.0.2", now, 1), Admission::admit);
    EXPECT_EQ(limits.admit("10.0.0.1", now, 0), Admission::admit);
    limits.session_ended(100);
    EXPECT_EQ(limits.sessions_from("10.0.0.1"), 0U);
    EXPECT_EQ(limits.admit("10.0.0.1", now, 1), Admission::admit);
}

TEST(ConnectionLimits, MaxConnectionRateSlidesItsWindow) {
    ConnectionLimits limits({.max_connection_rate = 2, .rate_interval = 10s});
    const auto t0 = Clock::now();
    EXPECT_EQ(limits.admit("a", t0), Admission::admit);
    EXPECT_EQ(limits.admit("a", t0 + 1s), Admission::admit);
    EXPECT_EQ(limits.admit("a", t0 + 2s), Admission::max_connection_rate);
    // Attempts inside the window count, refused or not (as ProFTPD counts them).
    EXPECT_EQ(limits.admit("a", t0 + 10s), Admission::max_connection_rate);
    EXPECT_EQ(limits.admit("a", t0 + 13s), Admission::admit);
}

TEST(ConnectionLimits, UnknownPidEndIsHarmless) {
    ConnectionLimits limits({});
    limits.session_ended(42);
    EXPECT_EQ(limits.sessions(), 0U);
}

}  // namespace
}  // namespace ward::master
