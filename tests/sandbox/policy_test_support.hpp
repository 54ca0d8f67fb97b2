#pragma once
// Helpers shared by the policy tests: confine a forked child and try one system call in it.
#include <sys/prctl.h>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "sandbox/seccomp_policy.hpp"
#include "sandbox/syscall_groups.hpp"
#include "tests/sandbox/child_process.hpp"

namespace ward::sandbox::testing {

// Exit codes the helpers use; anything else comes from a test body.
inline constexpr int kConfineFailed = 90;
inline constexpr int kUnexpected = 91;

// no_new_privs, then the policy. Returns 0 or kConfineFailed (after reporting why).
inline int confine(int report_fd, const CompiledPolicy& policy) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        report(report_fd, "prctl(PR_SET_NO_NEW_PRIVS) failed");
        return kConfineFailed;
    }
    if (auto ok = policy.install(); !ok) {
        report(report_fd, ok.error().message);
        return kConfineFailed;
    }
    return 0;
}

// One system call to try under a policy. `call` returns the raw result; errno is read right after it.
struct Attempt {
    const char* name;
    std::function<long()> call;
};

// Runs `attempt` under `policy` in a child. The child exits 0 after the call returns (and reports what it
// returned), so a refused call shows as a signal or as the errno in the report.
inline ChildResult attempt_under(const CompiledPolicy& policy, const Attempt& attempt) {
    return run_in_child([&](int fd) {
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        errno = 0;
        const long result = attempt.call();
        const int err = errno;
        report(fd, str_cat(attempt.name, " returned ", result, " errno ", err));
        return 0;
    });
}

// Sanitizer builds merge the sanitizer-runtime group into every policy: an attempt named exactly like one of
// its unconditional rules is allowed there (and refused in release builds).
inline bool sanitizer_allows(const Attempt& attempt) {
#ifdef WARD_SANITIZER_BUILD
    for (const auto& rule : groups::sanitizer_runtime().rules) {
        if (rule.conditions.empty() && rule.syscall == attempt.name) {
            return true;
        }
    }
#else
    (void)attempt;
#endif
    return false;
}

// Expects every attempt to kill the child with SIGSYS (or, in a sanitizer build, to pass when the sanitizer
// runtime needs that call).
inline void expect_all_killed(const CompiledPolicy& policy, const std::vector<Attempt>& attempts) {
    for (const auto& attempt : attempts) {
        const auto result = attempt_under(policy, attempt);
        if (sanitizer_allows(attempt)) {
            EXPECT_TRUE(result.exited_with(0)) << policy.name() << " " << attempt.name << ": " << result.describe();
        } else {
            EXPECT_TRUE(result.killed_by(SIGSYS)) << policy.name() << " " << attempt.name << ": "
                                                  << result.describe();
        }
    }
}

// The child reports "NAME returned R errno E": true when it returned -1 with `err`.
inline bool failed_with(const ChildResult& result, const Attempt& attempt, int err) {
    return result.exited_with(0) && result.output == str_cat(attempt.name, " returned -1 errno ", err);
}

}  // namespace ward::sandbox::testing
