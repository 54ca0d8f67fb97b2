// The /proc/<pid>/status reader other suites use to check what a process really holds.
#include "sandbox/proc_status.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <fcntl.h>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "tests/sandbox/child_process.hpp"

namespace ward::sandbox {
namespace {

constexpr const char* kSample =
    "Name:\tworker\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n"
    "FDSize:\t64\nGroups:\t100 27 \nNStgid:\t42\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000401\n"
    "CapEff:\t0000000000000401\nCapBnd:\t0000000000000401\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n"
    "Seccomp:\t2\nSeccomp_filters:\t3\nSpeculation_Store_Bypass:\tthread force mitigated\n";

TEST(ProcStatus, ParsesTheSecurityFields) {
    const auto st = parse_proc_status(kSample);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(st->uid, (std::array<uid_t, 4>{1000, 1000, 1000, 1000}));
    EXPECT_EQ(st->gid[0], 100U);
    EXPECT_EQ(st->groups, (std::vector<gid_t>{100, 27}));
    EXPECT_EQ(st->cap_effective, CapabilitySet::of({CAP_CHOWN, CAP_NET_BIND_SERVICE}));
    EXPECT_TRUE(st->cap_ambient.empty());
    EXPECT_EQ(st->no_new_privs, 1);
    EXPECT_EQ(st->seccomp, 2);
    EXPECT_EQ(st->seccomp_filters, 3);
}

TEST(ProcStatus, MissingOrBrokenFieldsAreErrors) {
    EXPECT_EQ(parse_proc_status("Uid:\t1\t1\t1\t1\n").error().message,
              "/proc status: found 1 of the 11 expected fields");
    const std::string broken = str_cat(kSample, "CapEff:\tzz\n");
    EXPECT_EQ(parse_proc_status(broken).error().message, "/proc status: CapEff: bad mask 'zz'");
}

TEST(ProcStatus, ReadsARunningProcessAndAnOpenDescriptor) {
    const auto self = read_proc_status();
    ASSERT_TRUE(self) << self.error().message;
    EXPECT_EQ(self->uid[0], ::getuid());
    const auto result = testing::run_in_child([](int fd) {
        auto status = sys::open("/proc/self/status", O_RDONLY);
        if (!status || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
            return 1;
        }
        // Opened before no_new_privs was set, read after: the file shows the state at read time.
        auto st = read_proc_status_fd(status->get());
        testing::report(fd, st ? str_cat("NoNewPrivs ", st->no_new_privs) : st.error().message);
        return 0;
    });
    EXPECT_EQ(result.output, "NoNewPrivs 1");
}

}  // namespace
}  // namespace ward::sandbox
