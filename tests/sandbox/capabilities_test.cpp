// Capabilities with mod_cap's semantics: parsing and set computation, then the drop itself, checked in
// /proc/self/status with exact masks and by operations that need a kept or a dropped capability.
#include "sandbox/capabilities.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cerrno>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "sandbox/proc_status.hpp"
#include "tests/sandbox/child_process.hpp"

namespace ward::sandbox {
namespace {

using testing::report;
using testing::run_in_child;

constexpr uid_t kNobody = 65534;

std::string errname(int err) {
    const char* name = ::strerrorname_np(err);
    return name != nullptr ? name : "?";
}

Result<CapabilitySet> parse_line(std::vector<std::string_view> args) { return parse_capabilities_set(args); }

TEST(CapabilityNames, AreCaseInsensitiveAndKnownToLibcap) {
    EXPECT_EQ(*parse_capability_name("CAP_CHOWN"), CAP_CHOWN);
    EXPECT_EQ(*parse_capability_name("cap_dac_read_search"), CAP_DAC_READ_SEARCH);
    EXPECT_EQ(*parse_capability_name("Cap_Net_Bind_Service"), CAP_NET_BIND_SERVICE);
    EXPECT_EQ(parse_capability_name("CAP_NOPE").error().message, "unknown capability: 'CAP_NOPE'");
    EXPECT_FALSE(parse_capability_name("12"));     // libcap reads numbers; a configuration must name it
    EXPECT_FALSE(parse_capability_name("chown"));  // mod_cap's names carry the CAP_ prefix
    EXPECT_EQ(capability_name(CAP_FOWNER), "CAP_FOWNER");
    EXPECT_EQ(CapabilitySet::of({CAP_CHOWN, CAP_NET_BIND_SERVICE}).names(), "CAP_CHOWN CAP_NET_BIND_SERVICE");
    EXPECT_EQ(CapabilitySet::of({CAP_CHOWN, CAP_NET_BIND_SERVICE}).hex(), "0000000000000401");
    EXPECT_EQ(CapabilitySet{}.names(), "(none)");
}

TEST(ModCap, DefaultsKeepNetBindServiceChownAndSetuid) {
    EXPECT_EQ(mod_cap_defaults(), CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_CHOWN, CAP_SETUID, CAP_SETGID}));
    EXPECT_EQ(session_capabilities({}).bits(), 0x4c1U);
}

TEST(ModCap, ItsOwnExampleGivesExactlyProftpdsSet) {
    // mod_cap's documentation: CapabilitiesSet -CAP_CHOWN +CAP_DAC_READ_SEARCH +CAP_FOWNER
    const auto set = parse_line({"-CAP_CHOWN", "+CAP_DAC_READ_SEARCH", "+CAP_FOWNER"});
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(*set, CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_SETUID, CAP_SETGID}));
    EXPECT_EQ(set->hex(), "00000000000004cc");
}

TEST(ModCap, SignsActOnlyWhereModCapLetsThem) {
    // '-' acts on the defaults, '+' on the optional ones; the other combinations change nothing.
    EXPECT_EQ(*parse_line({"-CAP_CHOWN", "+CAP_CHOWN"}), CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID}));
    EXPECT_EQ(*parse_line({"+CAP_FOWNER", "-CAP_FOWNER"}), mod_cap_defaults() | CapabilitySet::of({CAP_FOWNER}));
    EXPECT_EQ(*parse_line({"-CAP_SETUID"}), CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_CHOWN}));
    EXPECT_EQ(*parse_line({"+cap_dac_override", "+CAP_FSETID"}),
              mod_cap_defaults() | CapabilitySet::of({CAP_DAC_OVERRIDE, CAP_FSETID}));
}

TEST(ModCap, EachLineStartsFromTheDefaultsAndTheFirstApplies) {
    CapabilitiesDirectives directives;
    directives.set_lines.push_back(*parse_line({"-CAP_CHOWN"}));
    directives.set_lines.push_back(*parse_line({"+CAP_FOWNER"}));
    EXPECT_EQ(directives.set_lines[1], mod_cap_defaults() | CapabilitySet::of({CAP_FOWNER}));  // CHOWN is back
    EXPECT_EQ(session_capabilities(directives), CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID}));
    directives.engine = false;
    EXPECT_EQ(session_capabilities(directives), CapabilitySet::all_supported());
}

TEST(ModCap, ConfigErrors) {
    EXPECT_EQ(parse_line({}).error().message, "CapabilitiesSet: need at least one parameter");
    EXPECT_EQ(parse_line({"CAP_CHOWN"}).error().message,
              "CapabilitiesSet: bad option: 'CAP_CHOWN' (expected +CAP_X or -CAP_X)");
    EXPECT_EQ(parse_line({"+CAP_BOGUS"}).error().message, "CapabilitiesSet: unknown capability: 'CAP_BOGUS'");
    EXPECT_EQ(parse_line({"+CAP_SYS_ADMIN"}).error().message,
              "CapabilitiesSet: unknown capability: 'CAP_SYS_ADMIN' (mod_cap accepts CAP_CHOWN, CAP_DAC_OVERRIDE, "
              "CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_SETUID)");
}

TEST(RoleCapabilities, MonitorAddsOnlyWhatPrivilegeSeparationNeeds) {
    EXPECT_EQ(privilege_separation_needs(),
              CapabilitySet::of({CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_DAC_READ_SEARCH, CAP_KILL, CAP_SETPCAP}));
    EXPECT_EQ(monitor_capabilities(mod_cap_defaults()).hex(), "00000000000405e4");  // mod_cap's CAP_CHOWN unused
    EXPECT_FALSE(monitor_capabilities(CapabilitySet::all_supported()).contains(CAP_CHOWN));
    EXPECT_EQ(master_capabilities(mod_cap_defaults()), monitor_capabilities(mod_cap_defaults()));
    for (cap_value_t cap = 0; cap < 64; ++cap) {  // every capability a role can hold has its reason
        if (monitor_capabilities(mod_cap_defaults() | CapabilitySet(0x3e)).contains(cap)) {
            const auto reasons = capability_reasons();
            EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [cap](const auto& r) { return r.cap == cap; }))
                << capability_name(cap);
        }
    }
}

// In a child: as root, switch to nobody keeping capabilities (as a worker would), then keep `set`.
// Returns the exit code; reports what it saw.
int drop_to_nobody_keeping(int fd, CapabilitySet set) {
    const gid_t group = kNobody;
    if (::geteuid() == 0 && (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || ::setgroups(1, &group) != 0 ||
                             ::setresgid(kNobody, kNobody, kNobody) != 0 ||
                             ::setresuid(kNobody, kNobody, kNobody) != 0)) {
        report(fd, "setup failed");
        return 1;
    }
    auto applied = apply_capabilities(set);
    if (!applied) {
        report(fd, applied.error().message);
        return 2;
    }
    return 0;
}

bool bind_low_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(21);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    (void)::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool ok = ::bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(s);
    return ok;
}

class CapabilityDrop : public ::testing::Test {
protected:
    void SetUp() override {
        file_ = ::testing::TempDir() + "ward-chown-XXXXXX";
        const int fd = ::mkstemp(file_.data());
        ASSERT_GE(fd, 0);
        ::close(fd);
    }
    void TearDown() override { (void)::unlink(file_.c_str()); }
    std::string file_;
};

TEST_F(CapabilityDrop, ProcStatusShowsExactMasksAndLockedSecurebits) {
    if (::geteuid() != 0) {  // non-root variant: nothing held, nothing to keep, bounding and securebits reported
        const auto result = run_in_child([](int fd) {
            auto before = read_proc_status();
            auto outcome = apply_capabilities({});
            auto st = read_proc_status();
            if (!before || !outcome || !st) {
                return 1;
            }
            // The bounding set counts as cut only when it holds nothing (a launcher may have emptied it).
            report(fd, str_cat(outcome->bounding_cut == before->cap_bounding.empty(), " ", outcome->securebits_locked,
                               " ", st->cap_effective.hex()));
            return 0;
        });
        EXPECT_EQ(result.output, "true false 0000000000000000");
        return;
    }
    const CapabilitySet monitor = monitor_capabilities(mod_cap_defaults());
    const auto result = run_in_child([&](int fd) {
        auto outcome = apply_capabilities(monitor);
        auto st = read_proc_status();
        if (!outcome || !st) {
            report(fd, outcome ? st.error().message : outcome.error().message);
            return 1;
        }
        report(fd, str_cat("CapInh ", st->cap_inheritable.hex(), " CapPrm ", st->cap_permitted.hex(), " CapEff ",
                           st->cap_effective.hex(), " CapBnd ", st->cap_bounding.hex(), " CapAmb ",
                           st->cap_ambient.hex(), " securebits ", ::prctl(PR_GET_SECUREBITS, 0, 0, 0, 0)));
        return 0;
    });
    EXPECT_EQ(result.output,
              "CapInh 0000000000000000 CapPrm 00000000000405e4 CapEff 00000000000405e4 CapBnd 00000000000405e4 "
              "CapAmb 0000000000000000 securebits 239")
        << result.describe();
}

TEST_F(CapabilityDrop, KeptCapabilitiesWorkAndDroppedOnesFail) {
    if (::geteuid() != 0) {  // non-root variant: an unprivileged process cannot keep what it does not hold
        const auto result = run_in_child([](int fd) {
            auto kept = apply_capabilities(CapabilitySet::of({CAP_CHOWN}));
            report(fd, kept ? "kept" : kept.error().message);
            return 0;
        });
        EXPECT_EQ(result.output, "capabilities: cannot keep CAP_CHOWN: not held");
        return;
    }
    const auto session_with = [&](CapabilitySet set) {
        return run_in_child([&](int fd) {
            if (const int rc = drop_to_nobody_keeping(fd, set); rc != 0) {
                return rc;
            }
            errno = 0;
            const bool chowned = ::chown(file_.c_str(), 1, 1) == 0;
            const int chown_errno = errno;
            errno = 0;
            const bool bound = bind_low_port();
            report(fd, str_cat("chown ", chowned ? "ok" : errname(chown_errno), ", bind 21 ",
                               bound ? "ok" : errname(errno)));
            return 0;
        });
    };
    // The defaults keep CAP_CHOWN and CAP_NET_BIND_SERVICE.
    EXPECT_EQ(session_with(mod_cap_defaults()).output, "chown ok, bind 21 ok");
    // mod_cap's example drops CAP_CHOWN; CAP_NET_BIND_SERVICE stays.
    EXPECT_EQ(session_with(*parse_line({"-CAP_CHOWN", "+CAP_DAC_READ_SEARCH", "+CAP_FOWNER"})).output,
              "chown EPERM, bind 21 ok");
    // A worker: nothing.
    EXPECT_EQ(session_with({}).output, "chown EPERM, bind 21 EACCES");
}

TEST_F(CapabilityDrop, NothingCanBeRegainedAfterTheDrop) {
    const auto result = run_in_child([&](int fd) {
        if (const int rc = drop_to_nobody_keeping(fd, {}); rc != 0) {
            return rc;
        }
        cap_t raise = ::cap_from_text("cap_setuid,cap_chown=ep");
        const bool capset_refused = ::cap_set_proc(raise) != 0 && errno == EPERM;
        (void)::cap_free(raise);
        const bool ambient_refused =
            ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0) != 0 && errno == EPERM;
        const bool setuid_refused = ::geteuid() != 0 && ::setuid(0) != 0 && errno == EPERM;
        report(fd, str_cat("capset ", capset_refused, " ambient ", ambient_refused, " setuid ", setuid_refused));
        return 0;
    });
    EXPECT_EQ(result.output, "capset true ambient true setuid true") << result.describe();
}

}  // namespace
}  // namespace ward::sandbox
