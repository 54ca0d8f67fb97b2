// The master's session records behind wardctl who / kick (daemon/master/session_registry.*).
#include "daemon/master/session_registry.hpp"

#include <gtest/gtest.h>

namespace ward::master {
namespace {

TEST(SessionRegistry, WhoLinesAndKickTargets) {
    SessionRegistry r;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    r.started(SessionRecord{101, "127.0.0.1", 40000, "127.0.0.1:21", {}, false, t0, {}});
    r.started(SessionRecord{102, "127.0.0.1", 40001, "127.0.0.1:21", {}, false, t0, {}});
    r.logged_in(101, "alice");
    r.named_client(102, "198.51.100.7", 50000);
    const auto lines = who_lines(r.list(), t0 + std::chrono::seconds(42));
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0], "session 101 user alice client 127.0.0.1:40000 state logged-in for 42s server 127.0.0.1:21");
    EXPECT_EQ(lines[1], "session 102 user - client 198.51.100.7:50000 (via proxy) state authenticating for 42s "
                        "server 127.0.0.1:21");
    EXPECT_EQ(*r.match("user alice"), std::vector<pid_t>{101});
    EXPECT_EQ(*r.match("host 198.51.100.7"), std::vector<pid_t>{102});
    EXPECT_EQ(*r.match("session 102"), std::vector<pid_t>{102});
    EXPECT_TRUE(r.match("user bob")->empty());
    EXPECT_EQ(*r.match("host 127.0.0.1"), std::vector<pid_t>{101});  // 102 counts as the client its proxy named
    EXPECT_FALSE(r.match("session 0"));
    EXPECT_FALSE(r.match("session abc"));
    EXPECT_FALSE(r.match("class web"));
    EXPECT_FALSE(r.match("user"));
    r.ended(101);
    EXPECT_TRUE(r.match("user alice")->empty());
    EXPECT_EQ(r.list().size(), 1U);
}

TEST(SessionRegistry, WorkerReportedActivityIsLabelledAndOnlyForLoggedInSessions) {
    SessionRegistry r;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    r.started(SessionRecord{101, "127.0.0.1", 40000, "127.0.0.1:21", {}, false, t0, {}});
    r.activity(101, "RETR x", true, 5, 10, t0);  // before login: a worker has nothing to report yet
    EXPECT_EQ(who_lines(r.list(), t0)[0].find("command"), std::string::npos);
    r.logged_in(101, "alice");
    r.activity(101, "RETR a\nb.bin", true, 0, 4000, t0);
    r.activity(101, "RETR a\nb.bin", true, 1000, 4000, t0 + std::chrono::seconds(2));
    EXPECT_EQ(who_lines(r.list(), t0 + std::chrono::seconds(2))[0],
              "session 101 user alice client 127.0.0.1:40000 state logged-in for 2s server 127.0.0.1:21 "
              "command \"RETR a\\x0ab.bin\" transfer 1000/4000 bytes 25% 500 B/s (worker-reported)");
    r.activity(101, "NOOP", false, 0, 0, t0 + std::chrono::seconds(3));
    EXPECT_EQ(who_lines(r.list(), t0 + std::chrono::seconds(3))[0],
              "session 101 user alice client 127.0.0.1:40000 state logged-in for 3s server 127.0.0.1:21 "
              "command \"NOOP\" (worker-reported)");
}

}  // namespace
}  // namespace ward::master
