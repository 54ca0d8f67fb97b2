// PolicyBuilder: validation, compilation, description, and the cost of installing a precompiled policy.
#include "sandbox/seccomp_policy.hpp"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <iostream>
#include <vector>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "sandbox/policies.hpp"
#include "tests/sandbox/policy_test_support.hpp"

namespace ward::sandbox {
namespace {

using testing::report;
using testing::run_in_child;

std::string compile_error(const PolicyBuilder& builder) {
    auto compiled = builder.compile();
    return compiled ? std::string("compiled") : compiled.error().message;
}

TEST(PolicyBuilder, CompileErrorsNameThePolicyAndTheRule) {
    EXPECT_EQ(compile_error(PolicyBuilder("demo", Action::kill_process()).allow("no_such_call")),
              "seccomp policy demo: unknown system call 'no_such_call'");
    EXPECT_EQ(compile_error(PolicyBuilder("demo", Action::kill_process()).allow("read")
                                .allow("socket", {arg::eq32(0, WARD_SYM(AF_INET)), arg::eq32(0, WARD_SYM(AF_INET6))})),
              "seccomp policy demo: rule 'allow socket if arg0 == AF_INET and arg0 == AF_INET6' compares argument 0 "
              "twice");
    EXPECT_EQ(compile_error(PolicyBuilder("demo", Action::allow()).allow("read")),
              "seccomp policy demo: rule 'allow read' repeats the default action");
    EXPECT_EQ(compile_error(PolicyBuilder("demo", Action::kill_process()).allow("socket", {arg::ne32(0, 16)})),
              "seccomp policy demo: rule 'allow socket if arg0 != 16' allows by != on a 32-bit argument");
    EXPECT_EQ(compile_error(PolicyBuilder("demo", Action::allow()).deny("read", Action::fail(0))),
              "seccomp policy demo: rule 'fail errno 0 read' has no valid errno");
}

TEST(PolicyBuilder, RulesWithDifferentActionsMustNotOverlap) {
    // (AF_INET, SOCK_RAW) would match both: libseccomp does not say which wins, so the builder refuses.
    PolicyBuilder overlapping("demo", Action::allow());
    overlapping.deny("socket", Action::kill_process(), {arg::eq32(0, WARD_SYM(AF_INET))})
        .deny("socket", Action::fail(EPERM), {arg::masked32(1, 0xf, "SOCK_TYPE_MASK", WARD_SYM(SOCK_RAW))});
    EXPECT_EQ(compile_error(overlapping),
              "seccomp policy demo: rules 'kill socket if arg0 == AF_INET' and 'fail EPERM socket if (arg1 & "
              "SOCK_TYPE_MASK) == SOCK_RAW' overlap");
    PolicyBuilder unconditional("demo", Action::allow());
    unconditional.deny("socket", Action::kill_process()).deny("socket", Action::fail(EPERM), {arg::eq32(0, 16)});
    EXPECT_NE(compile_error(unconditional).find("overlap"), std::string::npos);
    // Pinned to different values of the same argument: disjoint, accepted.
    PolicyBuilder disjoint("demo", Action::allow());
    disjoint.deny("socket", Action::kill_process(), {arg::eq32(0, WARD_SYM(AF_PACKET))})
        .deny("socket", Action::fail(EAFNOSUPPORT), {arg::eq32(0, WARD_SYM(AF_NETLINK))});
    EXPECT_EQ(compile_error(disjoint), "compiled");
}

TEST(PolicyBuilder, EveryNamedPolicyCompiles) {
    for (const auto& builder : policies::reviewed()) {
        auto compiled = builder.compile();
        ASSERT_TRUE(compiled) << compiled.error().message;
        EXPECT_EQ(compiled->name(), builder.name());
        EXPECT_GT(compiled->instruction_count(), 10U);
    }
}

TEST(PolicyBuilder, DescribeIsShortAndStable) {
    PolicyBuilder policy("demo", Action::kill_process());
    policy.add({"io", "read and write", {allow("read"), allow("write")}})
        .allow("mmap", {arg::masked64(2, WARD_SYM(PROT_EXEC), 0)})
        .deny("socket", Action::fail(EAFNOSUPPORT), {arg::eq32(0, WARD_SYM(AF_NETLINK))});
    EXPECT_EQ(policy.describe(),
              "policy demo: allow-list, default kill, other architectures kill\n"
              "[io] read and write\n"
              "  allow read\n"
              "  allow write\n"
              "[specific] rules of demo alone\n"
              "  allow mmap if (arg2 & PROT_EXEC) == 0\n"
              "  fail EAFNOSUPPORT socket if arg0 == AF_NETLINK\n");
}

TEST(CompiledPolicy, CopiesShareOneProgram) {
    auto compiled = policies::worker_postauth().compile();
    ASSERT_TRUE(compiled) << compiled.error().message;
    const CompiledPolicy copy = *compiled;  // NOLINT(performance-unnecessary-copy-initialization): the point
    EXPECT_EQ(copy.program().data(), compiled->program().data());
    EXPECT_EQ(copy.instruction_count(), compiled->instruction_count());
}

TEST(CompiledPolicy, InstallRefusesWithoutNoNewPrivs) {
    auto compiled = policies::hook().compile();
    ASSERT_TRUE(compiled) << compiled.error().message;
    const auto result = run_in_child([&](int fd) {
        auto ok = compiled->install();
        report(fd, ok ? std::string("installed") : ok.error().message);
        return 0;
    });
    EXPECT_EQ(result.output, "seccomp policy hook: no_new_privs must be set before the filter");
}

TEST(CompiledPolicy, AllowRuleOn32BitArgumentFailsClosedOnUpperGarbage) {
    PolicyBuilder policy("demo", Action::kill_process());
    policy.add(groups::process_basics()).add(groups::basic_io()).allow("umask", {arg::eq32(0, 022)});
    auto compiled = policy.compile();
    ASSERT_TRUE(compiled) << compiled.error().message;
    const auto clean = testing::attempt_under(*compiled, {"umask(022)", [] { return ::syscall(SYS_umask, 022L); }});
    EXPECT_TRUE(clean.exited_with(0)) << clean.describe();
    const auto garbage = testing::attempt_under(
        *compiled, {"umask(1<<32 | 022)", [] { return ::syscall(SYS_umask, static_cast<long>((1UL << 32U) | 022U)); }});
    EXPECT_TRUE(garbage.killed_by(SIGSYS)) << garbage.describe();
}

// The session-start cost the master pays per child: one seccomp(2) call with the stored program.
TEST(CompiledPolicy, InstallingAPrecompiledPolicyTakesMicroseconds) {
    constexpr int kRuns = 25;
    for (const auto& builder : {policies::worker_postauth(), policies::hook()}) {
        const auto compile_start = std::chrono::steady_clock::now();
        auto compiled = builder.compile();
        const auto compile_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::steady_clock::now() - compile_start)
                                    .count();
        ASSERT_TRUE(compiled) << compiled.error().message;
        std::vector<long> install_ns;
        for (int i = 0; i < kRuns; ++i) {
            const auto result = run_in_child([&](int fd) {
                if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                    return testing::kConfineFailed;
                }
                timespec start{};
                timespec end{};
                ::clock_gettime(CLOCK_MONOTONIC, &start);
                const bool ok = compiled->install().has_value();
                ::clock_gettime(CLOCK_MONOTONIC, &end);
                report(fd, str_cat((end.tv_sec - start.tv_sec) * 1000000000L + (end.tv_nsec - start.tv_nsec)));
                return ok ? 0 : testing::kConfineFailed;
            });
            ASSERT_TRUE(result.exited_with(0)) << result.describe();
            install_ns.push_back(std::stol(result.output));
        }
        std::sort(install_ns.begin(), install_ns.end());
        const long median_us = install_ns[kRuns / 2] / 1000;
        std::cout << builder.name() << ": " << compiled->instruction_count() << " BPF instructions, compiled once in "
                  << compile_us << " us, installed in " << median_us << " us (median of " << kRuns << ")\n";
        EXPECT_LT(median_us, 2000) << "installing a stored BPF program should cost microseconds";
    }
}

}  // namespace
}  // namespace ward::sandbox
