// HookRunner: expansion per argument, ExecEnviron, useStdin, sendStdout, and ExecLog lines in ProFTPD's
// wording, including a refusal for an ExecLog in a world-writable directory or behind a symlink.
#include "exec/hook_runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ward::exec {
namespace {

namespace fs = std::filesystem;

class HookRunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ward_exec_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        ::chmod(dir_.c_str(), 0755);
        auto fd = open_exec_log((dir_ / "exec.log").string());
        ASSERT_TRUE(fd) << fd.error().message;
        log_fd_ = std::move(*fd);
        session_.user = "alice";
        session_.client_address = "127.0.0.1";
        event_.command = "STOR";
        event_.path = "/up/a b;$(touch x)%u.txt";
        input_.session = &session_;
        input_.event = &event_;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string log_text() const {
        std::ifstream in(dir_ / "exec.log");
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::vector<std::string> run(const ExecSettings& settings, std::vector<std::string> argv,
                                 std::vector<std::pair<std::string, std::string>> environ = {}) {
        HookRunnerSetup setup;
        setup.settings = settings;
        setup.log = ExecLog(log_fd_.get());
        const HookRunner runner(setup);
        ConfiguredHook hook;
        hook.argv = std::move(argv);
        HookRun r;
        r.hook = &hook;
        r.label = "STOR ExecOnCommand";
        r.environ = std::move(environ);
        r.may_send_stdout = true;
        return runner.run(r, input_);
    }

    fs::path dir_;
    UniqueFd log_fd_;
    SessionValues session_;
    CommandEvent event_;
    ExpandInput input_;
};

TEST_F(HookRunnerTest, SendStdoutReturnsLinesAndArgumentsStayWhole) {
    ExecSettings settings;
    settings.send_stdout = true;
    // "%s" in a template is the reply code: the program gets no format string from us.
    const auto lines = run(settings, {"/usr/bin/python3", "-c", "import sys; print('|'.join(sys.argv[1:]))", "%F",
                                      "%u", "%s"});
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "/up/a b;$(touch x)%u.txt|alice|-");
}

TEST_F(HookRunnerTest, WithoutSendStdoutNothingReachesTheClient) {
    EXPECT_TRUE(run(ExecSettings{}, {"/bin/echo", "hi"}).empty());
}

TEST_F(HookRunnerTest, ExecEnvironExpandsAndCopies) {
    ExecSettings settings;
    settings.send_stdout = true;
    ::setenv("WARD_TEST_INHERITED", "yes", 1);
    const auto lines = run(settings, {"/usr/bin/env"},
                           {{"WHO", "%u"}, {"WARD_TEST_INHERITED", "-"}, {"WARD_TEST_ABSENT", "-"}});
    EXPECT_EQ(lines, (std::vector<std::string>{"WHO=alice", "WARD_TEST_INHERITED=yes"}));
}

TEST_F(HookRunnerTest, UseStdinWritesEachArgumentThenADot) {
    ExecSettings settings;
    settings.send_stdout = true;
    settings.use_stdin = true;
    const std::string code = "import sys; sys.stdout.write(sys.stdin.read())";
    EXPECT_EQ(run(settings, {"/usr/bin/python3", "-c", code, "%u", "two words"}),
              (std::vector<std::string>{"-c", code, "alice", "two words", "."}));
}

TEST_F(HookRunnerTest, ExecLogUsesProftpdWording) {
    ExecSettings settings;
    settings.log_stdout = true;
    settings.log_stderr = true;
    (void)run(settings, {"/usr/bin/python3", "-c", "import sys; print('out'); sys.stderr.write('err'); sys.exit(2)",
                         "--user", "%u"});
    (void)run(settings, {"/nonexistent/hook"});
    const std::string text = log_text();
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    for (const std::string& expected :
         {"preparing to execute '/usr/bin/python3' with uid " + std::to_string(uid) + " (euid " +
              std::to_string(uid) + "), gid " + std::to_string(gid) + " (egid " + std::to_string(gid) + ")",
          std::string(" + '/usr/bin/python3': argv[3] = --user"), std::string(" + '/usr/bin/python3': argv[4] = alice"),
          std::string("'/usr/bin/python3' terminated normally, with exit status 2"),
          std::string("stdout from '/usr/bin/python3': 'out'"), std::string("stderr from '/usr/bin/python3': 'err'"),
          std::string("STOR ExecOnCommand '/nonexistent/hook' failed: No such file or directory")}) {
        EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << text;
    }
    EXPECT_NE(text.find(" mod_exec["), std::string::npos);
}

TEST_F(HookRunnerTest, ExecLogRefusesWorldWritableDirectoriesAndSymlinks) {
    const fs::path open_dir = dir_ / "open";
    fs::create_directories(open_dir);
    ::chmod(open_dir.c_str(), 01777);
    auto refused = open_exec_log((open_dir / "exec.log").string());
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("is world-writable"), std::string::npos) << refused.error().message;
    fs::create_symlink(dir_ / "exec.log", dir_ / "link.log");
    auto link = open_exec_log((dir_ / "link.log").string());
    ASSERT_FALSE(link);
    EXPECT_NE(link.error().message.find("symbolic link"), std::string::npos) << link.error().message;
}

TEST(OutputLines, DropsControlBytesAndTrailingBlankLines) {
    EXPECT_EQ(output_lines("a\r\n\x1b[31mb\n\n\n", 10), (std::vector<std::string>{"a", "[31mb"}));
    EXPECT_EQ(output_lines("1\n2\n3\n", 2).size(), 2U);
}

}  // namespace
}  // namespace ward::exec
