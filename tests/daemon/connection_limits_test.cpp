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
    EXPECT_EQ(limits.admit("10.0.0.1", now, {1}), Admission::max_clients_per_host);
    EXPECT_EQ(limits.admit("10.0.0.2", now, {1}), Admission::admit);
    EXPECT_EQ(limits.admit("10.0.0.1", now, {0}), Admission::admit);
    limits.session_ended(100);
    EXPECT_EQ(limits.sessions_from("10.0.0.1"), 0U);
    EXPECT_EQ(limits.admit("10.0.0.1", now, {1}), Admission::admit);
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

TEST(ConnectionLimits, MaxConnectionsPerHostCountsEverySessionFromTheAddress) {
    ConnectionLimits limits(LimitSettings{});
    const auto now = ConnectionLimits::Clock::now();
    limits.session_started(100, "10.0.0.1");
    limits.session_started(101, "10.0.0.1");
    EXPECT_EQ(limits.admit("10.0.0.1", now, {0, 2}), Admission::max_connections_per_host);
    EXPECT_EQ(limits.admit("10.0.0.1", now, {0, 3}), Admission::admit);
    EXPECT_EQ(limits.admit("10.0.0.2", now, {0, 2}), Admission::admit);
}

TEST(ConnectionLimits, LoginsAreCountedPerUserPerHostAndPerServer) {
    ConnectionLimits limits(LimitSettings{});
    limits.session_started(100, "10.0.0.1", "a");
    limits.session_started(101, "10.0.0.1", "a");
    limits.session_started(102, "10.0.0.2", "a");
    limits.session_started(103, "10.0.0.3", "b");
    const LoginLimits one_per_user{0, 1, 0, 0, false};
    EXPECT_EQ(limits.login(100, "alice", one_per_user), LoginCount::admit);
    EXPECT_EQ(limits.login(101, "alice", one_per_user), LoginCount::max_clients_per_user);
    EXPECT_EQ(limits.login(101, "bob", one_per_user), LoginCount::admit);
    // alice on 10.0.0.1 already: a second host is one more than MaxHostsPerUser 1
    EXPECT_EQ(limits.login(102, "alice", LoginLimits{0, 0, 1, 0, false}), LoginCount::max_hosts_per_user);
    // two logged-in sessions on server "a": a third is past MaxClients 2; server "b" has none
    EXPECT_EQ(limits.login(102, "carol", LoginLimits{2, 0, 0, 0, false}), LoginCount::max_clients);
    EXPECT_EQ(limits.login(103, "carol", LoginLimits{1, 0, 0, 0, false}), LoginCount::admit);
    // an <Anonymous> context's MaxClients counts only its own account's sessions
    limits.session_started(104, "10.0.0.4", "a");
    EXPECT_EQ(limits.login(104, "ftp", LoginLimits{1, 0, 0, 0, true}), LoginCount::admit);
    // a session logs in once; an unknown pid is never admitted
    EXPECT_EQ(limits.login(100, "alice", LoginLimits{}), LoginCount::max_clients);
    EXPECT_EQ(limits.login(999, "alice", LoginLimits{}), LoginCount::max_clients);
    // an ended session no longer counts
    limits.session_ended(100);
    EXPECT_EQ(limits.login(102, "alice", LoginLimits{0, 1, 1, 0, false}), LoginCount::admit);
}

TEST(ConnectionLimits, MaxClientsPerClassCountsEverySessionOfTheClassOnTheServer) {
    ConnectionLimits limits(LimitSettings{});
    limits.session_started(100, "10.0.0.1", "a", "lan");
    limits.session_started(101, "10.0.0.2", "a", "lan");  // connected, not logged in: counts all the same
    limits.session_started(102, "10.0.0.3", "a", "");     // in no class
    limits.session_started(103, "10.0.0.4", "b", "lan");  // another server
    LoginLimits one_per_class{};
    one_per_class.max_clients_per_class = 1;
    EXPECT_EQ(limits.class_of(101), "lan");
    EXPECT_EQ(limits.class_of(999), "");
    // two "lan" sessions on server "a" (the asking one included): past 1
    EXPECT_EQ(limits.login(100, "alice", one_per_class), LoginCount::max_clients_per_class);
    EXPECT_EQ(limits.login(102, "bob", one_per_class), LoginCount::admit);  // no class, no class limit
    EXPECT_EQ(limits.login(103, "carol", one_per_class), LoginCount::admit);
    LoginLimits two_per_class{};
    two_per_class.max_clients_per_class = 2;
    EXPECT_EQ(limits.login(100, "alice", two_per_class), LoginCount::admit);
    // a proxied client moves the session into the class of the address its header names
    ASSERT_EQ(limits.proxied_client(101, "192.0.2.9", HostLimits{}, ""), Admission::admit);
    EXPECT_EQ(limits.class_of(101), "");
    limits.session_started(104, "10.0.0.5", "a", "lan");
    EXPECT_EQ(limits.login(104, "dave", two_per_class), LoginCount::admit);
    EXPECT_STREQ(login_count_name(LoginCount::max_clients_per_class), "MaxClientsPerClass");
}

}  // namespace
}  // namespace ward::master
