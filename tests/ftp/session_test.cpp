// The Session's two entry points driven over a real loopback TCP connection, with a scripted host:
// the post-auth start a fresh worker makes after the hand-over, and the pre-auth login that hands over.
#include "daemon/ftp/session.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/ftp/loopback.hpp"

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <string>

namespace ward::ftp {
namespace {

using testing::connect_loopback;

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

class AllowAll final : public AccessPolicy {
public:
    [[nodiscard]] bool allowed(std::string_view, std::string_view, const std::string&) const override { return true; }
    [[nodiscard]] PathRules rules_for(std::string_view) const override { return {}; }
};

class ScriptedHost final : public SessionHost {
public:
    LoginResult authenticate(std::string_view user, std::string_view password) override {
        seen_password = std::string(password);
        LoginResult r;
        r.status = user == "bob" && password == "pw" ? LoginResult::Status::ok : LoginResult::Status::denied;
        return r;
    }
    std::optional<PostAuthSession> hand_over(HandoverState state) override {
        handed_over = std::move(state);
        if (!continue_in_process) {
            return std::nullopt;
        }
        return post_auth();
    }
    [[nodiscard]] bool wants_hook(exec::HookPoint, std::string_view) const override { return false; }
    std::vector<std::string> run_hooks(exec::HookPoint, const exec::CommandEvent&) override { return {}; }
    Result<UniqueFd> privileged_data_connection(std::uint16_t, const std::string&, std::uint16_t) override {
        return Error{"not in this test"};
    }
    void log_transfer(std::string_view) override {}
    void session_ended(std::string_view why) override { reason = std::string(why); }

    static PostAuthSession post_auth() {
        PostAuthSession post;
        post.identity.user = "bob";
        post.identity.login_name = "bob";
        post.identity.root = std::filesystem::temp_directory_path().string();
        post.policy = std::make_shared<AllowAll>();
        return post;
    }

    bool continue_in_process = true;
    std::optional<HandoverState> handed_over;
    std::string seen_password;
    std::string reason;
};

TEST(Session, PostAuthStartReplies230ThenRunsPendingInput) {
    auto conn = connect_loopback();
    boost::asio::io_context io;
    ScriptedHost host;
    HandoverState state;
    state.pending_input = "PWD\r\nTYPE I\r\nQUIT\r\n";
    state.login_reply_lines = {"from the PASS hook"};
    Session session(io, std::move(conn.server), host, ScriptedHost::post_auth(), std::move(state));
    session.start();
    io.run();
    EXPECT_TRUE(session.finished());
    EXPECT_EQ(host.reason, "QUIT");
    EXPECT_EQ(read_all(conn.client.get()),
              "230-from the PASS hook\r\n230 User bob logged in\r\n257 \"/\" is the current directory\r\n"
              "200 Type set to I\r\n221 Goodbye.\r\n");
}

TEST(Session, PreAuthLoginHandsOverPendingInputAndState) {
    auto conn = connect_loopback();
    const std::string wire = "TYPE I\r\nUSER bob\r\nPASS pw\r\nNOOP\r\nQUIT\r\nPW";
    ASSERT_EQ(::write(conn.client.get(), wire.data(), wire.size()), static_cast<ssize_t>(wire.size()));
    boost::asio::io_context io;
    ScriptedHost host;
    host.continue_in_process = false;
    SessionSettings settings;
    settings.banner = "hello";
    Session session(io, std::move(conn.server), host, settings);
    session.start();
    io.run();
    EXPECT_TRUE(session.finished());
    ASSERT_TRUE(host.handed_over);
    EXPECT_EQ(host.handed_over->pending_input, "NOOP\r\nQUIT\r\nPW");
    EXPECT_TRUE(host.handed_over->binary_type);  // TYPE I before login (as ProFTPD) carries over
    EXPECT_EQ(host.seen_password, "pw");
    EXPECT_EQ(read_all(conn.client.get()),
              "220 hello\r\n200 Type set to I\r\n331 Password required for bob\r\n"
              "421 Service not available, closing control connection\r\n");
    EXPECT_EQ(host.reason, "hand-over failed");
}

TEST(Session, UnusableControlConnectionEndsAtOnce) {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    UniqueFd peer(fds[1]);
    boost::asio::io_context io;
    ScriptedHost host;
    Session session(io, UniqueFd(fds[0]), host, SessionSettings{});
    session.start();
    io.run();
    EXPECT_TRUE(session.finished());
    EXPECT_EQ(host.reason, "control connection unusable");
}

}  // namespace
}  // namespace ward::ftp
