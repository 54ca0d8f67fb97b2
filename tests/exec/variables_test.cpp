// %-variable expansion: every variable of ../shared/reference/variables.md, single pass, caps, and
// unknown sequences left alone.
#include "exec/variables.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ward::exec {
namespace {

using namespace std::chrono_literals;

struct Fixture {
    SessionValues session;
    CommandEvent event;
    ExpandInput input;

    Fixture() {
        session.client_address = "192.0.2.7";
        session.client_port = 40001;
        session.local_address = "127.0.0.1";
        session.local_port = 2121;
        session.server_address = "127.0.0.1";
        session.server_name = "ward test";
        session.session_pid = 4242;
        session.login_name = "alice";
        session.user = "alice";
        session.group = "staff";
        session.uid = 2001;
        session.gid = 50;
        session.real_root = "/srv/ftp/alice";
        event.command = "STOR";
        event.arguments = "docs/a.txt";
        event.command_line = "STOR docs/a.txt";
        event.path = "/docs/a.txt";
        event.cwd = "/docs";
        event.reply_code = 226;
        event.reply_text = "Transfer complete";
        event.bytes = 2048;
        event.file_offset = 10;
        event.file_size = 2058;
        event.transfer_millis = 1500;
        event.transfer_status = TransferStatus::success;
        event.transfer_port = 50001;
        event.session_bytes_in = 3000;
        event.session_bytes_out = 900;
        event.response_millis = 7;
        input.session = &session;
        input.event = &event;
        input.now = std::chrono::system_clock::time_point(1700000000s + 123456us);
        input.environment = [](const std::string& name) -> std::optional<std::string> {
            if (name == "HOME") {
                return std::string("/root");
            }
            return std::nullopt;
        };
    }
    std::string operator()(std::string_view text) const { return expand_variables(text, input); }
};

TEST(ExpandVariables, SessionVariables) {
    const Fixture f;
    EXPECT_EQ(f("%a %h %L %p %H %v %V %P"), "192.0.2.7 192.0.2.7 127.0.0.1 2121 127.0.0.1 ward test ward test 4242");
    EXPECT_EQ(f("%u %U %g %{uid} %{gid}"), "alice alice staff 2001 50");
    EXPECT_EQ(f("%{remote-port} %{protocol} %c %l %A"), "40001 ftp - UNKNOWN UNKNOWN");
}

TEST(ExpandVariables, CommandVariables) {
    const Fixture f;
    EXPECT_EQ(f("%m|%J|%r|%s|%S|%R"), "STOR|docs/a.txt|STOR docs/a.txt|226|Transfer complete|7");
    EXPECT_EQ(f("%F|%f|%{basename}|%C"), "/docs/a.txt|/srv/ftp/alice/docs/a.txt|a.txt|/docs");
    EXPECT_EQ(f("%b %I %O %{file-offset} %{file-size} %{file-modified}"), "2048 3000 900 10 2058 false");
    EXPECT_EQ(f("%T %{transfer-millisecs} %{transfer-status} %{transfer-type} %{transfer-port}"),
              "1.500 1500 success binary 50001");
    EXPECT_EQ(f("%{transfer-speed} %{transfer-failure}"), "1.333 -");
    EXPECT_EQ(f("%d %D %w"), "- - -");
}

TEST(ExpandVariables, DirectoryCommandsHaveDirectoryNames) {
    Fixture f;
    f.event.command = "MKD";
    f.event.path = "/docs/new";
    EXPECT_EQ(f("%d %D"), "new /docs/new");
    f.event.command = "CWD";
    f.event.path.clear();
    EXPECT_EQ(f("%d %D"), "docs /docs");
}

TEST(ExpandVariables, RenameSourceAndRelativePaths) {
    Fixture f;
    f.event.command = "RNTO";
    f.event.rename_from = "old.txt";
    f.event.path = "../new.txt";
    EXPECT_EQ(f("%w %F %f"), "/docs/old.txt /new.txt /srv/ftp/alice/new.txt");
}

TEST(ExpandVariables, DotDotNeverLeavesTheRoot) {
    Fixture f;
    f.event.path = "/../../../etc/passwd";
    EXPECT_EQ(f("%f"), "/srv/ftp/alice/etc/passwd");
    EXPECT_EQ(normalize_client_path("a/./b/../c", "/x"), "/x/a/c");
    EXPECT_EQ(normalize_client_path("..", "/"), "/");
}

TEST(ExpandVariables, NoCommandMeansPlaceholders) {
    Fixture f;
    f.input.event = nullptr;
    f.session.user.clear();
    f.session.group.clear();
    f.session.uid.reset();
    f.session.gid.reset();
    EXPECT_EQ(f("[%u] %g %{uid} %m %F %f %r %s %b %{file-size} %{transfer-status} %E"),
              "[] - - - - - - - - - - -");
}

TEST(ExpandVariables, TimeVariablesUseTheGivenClock) {
    const Fixture f;
    EXPECT_EQ(f("%{epoch}"), "1700000000");
    EXPECT_EQ(f("%{millisecs} %{microsecs}"), "123 123456");
    EXPECT_EQ(f("%{%Y}t %{time:%Y}"), "2023 2023");
    EXPECT_EQ(f("%{iso8601}").size(), std::string("2023-11-14 22:13:20,123").size());
    EXPECT_EQ(f("%t").front(), '[');
}

TEST(ExpandVariables, EnvironmentVariables) {
    const Fixture f;
    EXPECT_EQ(f("%{HOME}e %{env:HOME} [%{NOPE}e]"), "/root /root []");
}

TEST(ExpandVariables, UnknownSequencesStayAsTheyAre) {
    const Fixture f;
    EXPECT_EQ(f("%q %{nope} %{unclosed 100%% %"), "%q %{nope} %{unclosed 100%% %");
    EXPECT_EQ(f("100%%"), "100%");
    EXPECT_EQ(f("%{note:x} %{var:y}"), "- -");
}

TEST(ExpandVariables, ValuesAreNeverExpandedAgain) {
    Fixture f;
    f.event.path = "/a b;$(touch x)%u%{uid}%%.txt";
    f.event.arguments = "%u";
    EXPECT_EQ(f("%F"), "/a b;$(touch x)%u%{uid}%%.txt");
    EXPECT_EQ(f("%J-%u"), "%u-alice");
}

TEST(ExpandVariables, OutputIsCapped) {
    Fixture f;
    f.event.arguments = std::string(100000, 'x');
    EXPECT_EQ(f("%J").size(), ExpandLimits::value);
    std::string many;
    for (int i = 0; i < 10; ++i) {
        many += "%J";
    }
    EXPECT_EQ(f(many).size(), ExpandLimits::result);
    // A literal that fills the output exactly, then "%%" (found by fuzz_exec_expand).
    EXPECT_EQ(f(std::string(ExpandLimits::result, 'a') + "%%").size(), ExpandLimits::result);
}

}  // namespace
}  // namespace ward::exec
