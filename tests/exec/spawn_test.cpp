// The hook spawner for real: exact argv and environment, stdin, capture, timeouts (SIGTERM then SIGKILL),
// a program that cannot start, and the hook seccomp policy killing ptrace and mount.
#include "exec/spawn.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <thread>

#include "sandbox/policies.hpp"

namespace ward::exec {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPython = "/usr/bin/python3";

SpawnOutcome run(SpawnSpec spec) {
    auto outcome = spawn(std::move(spec));
    EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().message);
    return outcome ? *outcome : SpawnOutcome{};
}

sandbox::CompiledPolicy hook_policy() {
    auto compiled = sandbox::policies::hook().compile();
    EXPECT_TRUE(compiled);
    return *compiled;
}

TEST(Spawn, ArgvArrivesExactlyAndNothingIsInterpreted) {
    SpawnSpec spec;
    spec.argv = {"/usr/bin/printf", "%s\\n", "a b;$(touch /tmp/ward_never)%u.txt", "*", "`id`"};
    const auto out = run(spec);
    EXPECT_EQ(out.kind, SpawnOutcome::Kind::exited);
    EXPECT_EQ(out.exit_status, 0);
    EXPECT_EQ(out.out, "a b;$(touch /tmp/ward_never)%u.txt\n*\n`id`\n");
    EXPECT_NE(::access("/tmp/ward_never", F_OK), 0);
}

TEST(Spawn, EnvironmentIsOnlyWhatIsGiven) {
    SpawnSpec spec;
    spec.argv = {"/usr/bin/env"};
    spec.environment = {"FOO=bar baz", "X=1"};
    EXPECT_EQ(run(spec).out, "FOO=bar baz\nX=1\n");
}

TEST(Spawn, StdinIsTheGivenStreamOrEmpty) {
    SpawnSpec spec;
    spec.argv = {"/bin/cat"};
    spec.stdin_data = "one\ntwo\n.\n";
    EXPECT_EQ(run(spec).out, "one\ntwo\n.\n");
    spec.stdin_data.reset();
    EXPECT_EQ(run(spec).out, "");
}

TEST(Spawn, StderrAndExitStatusAreReported) {
    SpawnSpec spec;
    spec.argv = {kPython, "-c", "import sys; sys.stderr.write('oops'); sys.exit(3)"};
    const auto out = run(spec);
    EXPECT_EQ(out.kind, SpawnOutcome::Kind::exited);
    EXPECT_EQ(out.exit_status, 3);
    EXPECT_EQ(out.err, "oops");
}

TEST(Spawn, OutputIsCapped) {
    SpawnSpec spec;
    spec.argv = {kPython, "-c", "import sys; sys.stdout.write('x' * 1000000)"};
    const auto out = run(spec);
    EXPECT_EQ(out.exit_status, 0);
    EXPECT_EQ(out.out.size(), kOutputCap);
}

TEST(Spawn, AMissingProgramIsNotStartedWithTheReason) {
    SpawnSpec spec;
    spec.argv = {"/nonexistent/hook"};
    const auto out = run(spec);
    EXPECT_EQ(out.kind, SpawnOutcome::Kind::not_started);
    EXPECT_EQ(out.start_error, "No such file or directory");
    SpawnSpec relative;
    relative.argv = {"relative/hook"};
    EXPECT_FALSE(spawn(relative));
}

TEST(Spawn, ExecTimeout_SendsTermThenKill) {
    SpawnSpec spec;
    spec.argv = {kPython, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                "print('ready', flush=True); time.sleep(30)"};
    spec.timeout = 1s;
    spec.kill_grace = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto out = run(spec);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(out.timed_out);
    EXPECT_TRUE(out.killed);
    EXPECT_EQ(out.kind, SpawnOutcome::Kind::signalled);
    EXPECT_EQ(out.signal, SIGKILL);
    EXPECT_LT(took, 5s);
}

// ExecTimeout ends what the hook started too: a grandchild that ignores SIGTERM, in the hook's process group.
TEST(Spawn, ExecTimeout_KillsTheHooksWholeProcessGroup) {
    SpawnSpec spec;
    spec.argv = {"/bin/sh", "-c", "trap '' TERM; /bin/sleep 60 & echo $!; wait"};
    spec.timeout = 500ms;
    spec.kill_grace = 200ms;
    const auto out = run(spec);
    EXPECT_TRUE(out.timed_out);
    EXPECT_TRUE(out.killed);
    const pid_t grandchild = static_cast<pid_t>(std::stol(out.out));
    ASSERT_GT(grandchild, 0);
    // Killed: gone, or a zombie waiting for whoever reaps orphans.
    const auto dead = [grandchild] {
        std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
        std::string line;
        if (!std::getline(stat, line)) {
            return true;
        }
        return line.substr(line.rfind(')') + 2, 1) == "Z";
    };
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!dead() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(dead()) << "the hook's background sleep " << grandchild << " outlived ExecTimeout";
    if (!dead()) {
        (void)::kill(grandchild, SIGKILL);
    }
}

TEST(Spawn, ExecTimeout_TermIsEnoughForAPoliteProgram) {
    SpawnSpec spec;
    spec.argv = {"/bin/sleep", "30"};
    spec.timeout = 1s;
    const auto out = run(spec);
    EXPECT_TRUE(out.timed_out);
    EXPECT_FALSE(out.killed);
    EXPECT_EQ(out.signal, SIGTERM);
}

TEST(Spawn, AFastHookIsNotDelayedByTheTimeout) {
    SpawnSpec spec;
    spec.argv = {"/bin/true"};
    spec.timeout = 10s;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(run(spec).exit_status, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(Spawn, HookPolicyKillsPtraceAndMount) {
#ifdef WARD_SANITIZER_BUILD
    // Sanitizer builds allow ptrace in every policy: LeakSanitizer's stop-the-world tracer needs it.
    const std::vector<const char*> calls{"mount(b'none', b'/mnt', b'tmpfs', 0, None)"};
#else
    const std::vector<const char*> calls{"ptrace(16, 1, 0, 0)", "mount(b'none', b'/mnt', b'tmpfs', 0, None)"};
#endif
    for (const char* call : calls) {
        SpawnSpec spec;
        spec.argv = {kPython, "-c", std::string("import ctypes; ctypes.CDLL(None).") + call};
        spec.child.seccomp = hook_policy();
        const auto out = run(spec);
        EXPECT_EQ(out.kind, SpawnOutcome::Kind::signalled) << call;
        EXPECT_EQ(out.signal, SIGSYS) << call;
    }
}

TEST(Spawn, HookRunsWithoutCapabilitiesUnderNoNewPrivsAndSeccomp) {
    SpawnSpec spec;
    spec.argv = {"/bin/grep", "-E", "^(Uid|CapEff|CapPrm|NoNewPrivs|Seccomp):", "/proc/self/status"};
    spec.child.seccomp = hook_policy();
    if (::geteuid() == 0) {
        spec.child.uid = 65534;
        spec.child.gid = 65534;
        spec.child.groups = std::vector<gid_t>{65534};
    }
    const auto out = run(spec);
    ASSERT_EQ(out.exit_status, 0) << out.err;
    EXPECT_NE(out.out.find("CapEff:\t0000000000000000"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("CapPrm:\t0000000000000000"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("NoNewPrivs:\t1"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Seccomp:\t2"), std::string::npos) << out.out;
    if (::geteuid() == 0) {
        EXPECT_NE(out.out.find("Uid:\t65534\t65534\t65534\t65534"), std::string::npos) << out.out;
    }
}

TEST(Spawn, NoDescriptorOfTheCallerLeaks) {
    const int fd = ::dup(2);  // not close-on-exec
    SpawnSpec spec;
    spec.argv = {"/bin/ls", "/proc/self/fd"};
    const auto out = run(spec);
    ::close(fd);
    EXPECT_EQ(out.out, "0\n1\n2\n3\n");  // 3: ls's own directory handle
}

}  // namespace
}  // namespace ward::exec
