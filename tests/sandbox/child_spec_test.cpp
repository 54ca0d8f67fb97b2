// The privilege drop: after apply(), regaining root or capabilities fails, a setuid-root program gains
// nothing, the policy is in force, and an unprivileged run says what it skipped.
#include "sandbox/child_spec.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "sandbox/policies.hpp"
#include "sandbox/proc_status.hpp"
#include "tests/sandbox/child_process.hpp"

namespace ward::sandbox {
namespace {

using testing::report;
using testing::run_in_child;

constexpr uid_t kNobody = 65534;

CompiledPolicy compile(const PolicyBuilder& builder) {
    auto compiled = builder.compile();
    if (!compiled) {
        ADD_FAILURE() << compiled.error().message;
        return CompiledPolicy(builder.name(), {});
    }
    return *compiled;
}

// As root, makes the child an ordinary process (uid nobody, no capabilities) so the unprivileged path runs.
bool become_unprivileged() {
    const gid_t group = kNobody;
    return ::geteuid() != 0 || (::setgroups(1, &group) == 0 && ::setresgid(kNobody, kNobody, kNobody) == 0 &&
                                ::setresuid(kNobody, kNobody, kNobody) == 0);
}

ChildSpec nobody_spec(int report_fd) {
    ChildSpec spec;
    spec.role = "test_worker";
    spec.keep_fds = {report_fd};
    spec.rlimits = {{RLIMIT_NOFILE, 64, 64}, {RLIMIT_CORE, 0, 0}};
    spec.groups = std::vector<gid_t>{kNobody};
    spec.gid = kNobody;
    spec.uid = kNobody;
    return spec;
}

class PrivilegeDrop : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = ::testing::TempDir() + "ward-privdrop-XXXXXX";
        ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
        ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
        const int fd = ::open((dir_ + "/marker").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ASSERT_GE(fd, 0);
        ::close(fd);
    }
    void TearDown() override {
        (void)::unlink((dir_ + "/marker").c_str());
        (void)::unlink((dir_ + "/id-setuid").c_str());
        (void)::rmdir(dir_.c_str());
    }
    std::string dir_;
};

TEST_F(PrivilegeDrop, RootCannotBeRegained) {
    if (::geteuid() != 0) {  // non-root variant: the unprivileged drop must still refuse root
        const auto result = run_in_child([](int fd) {
            auto report_or = apply(nobody_spec(fd));
            report(fd, str_cat(report_or ? "applied" : report_or.error().message, " setuid(0) ",
                               ::setuid(0) == 0 ? "succeeded" : "refused"));
            return 0;
        });
        EXPECT_EQ(result.output, "applied setuid(0) refused");
        return;
    }
    const CompiledPolicy hook = compile(policies::hook());
    const auto result = run_in_child([&](int fd) {
        const int inherited = ::open("/etc/hostname", O_RDONLY);  // no O_CLOEXEC: only the drop may close it
        ChildSpec spec = nobody_spec(fd);
        spec.chroot_dir = dir_;
        spec.landlock = LandlockRules{.read_only = {"/"}};  // resolved inside the chroot
        spec.seccomp = hook;
        auto dropped = apply(spec);
        if (!dropped) {
            report(fd, dropped.error().message);
            return 1;
        }
        cap_t raise = ::cap_from_text("cap_setuid,cap_setgid=ep");
        const bool capset_refused = ::cap_set_proc(raise) != 0 && errno == EPERM;
        (void)::cap_free(raise);
        rlimit nofile{};
        ::getrlimit(RLIMIT_NOFILE, &nofile);
        struct stat st {};
        report(fd, str_cat("skipped ", dropped->skipped.size(), ", setuid(0) ", ::setuid(0) != 0 && errno == EPERM,
                           ", setresuid(0,0,0) ", ::setresuid(0, 0, 0) != 0 && errno == EPERM, ", setgid(0) ",
                           ::setgid(0) != 0 && errno == EPERM, ", capset ", capset_refused, ", inherited fd ",
                           ::fcntl(inherited, F_GETFD) == -1 && errno == EBADF, ", nofile ", nofile.rlim_cur,
                           ", chrooted ", ::stat("/marker", &st) == 0, ", ambient ",
                           ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0) != 0));
        return 0;
    });
    EXPECT_EQ(result.output,
              "skipped 0, setuid(0) true, setresuid(0,0,0) true, setgid(0) true, capset true, inherited fd true, "
              "nofile 64, chrooted true, ambient true")
        << result.describe();
}

TEST_F(PrivilegeDrop, NoNewPrivsStopsASetuidRootProgram) {
    if (::geteuid() != 0) {  // non-root variant: the drop still sets no_new_privs
        const auto result = run_in_child([](int fd) {
            auto dropped = apply(nobody_spec(fd));
            report(fd, str_cat(dropped.has_value(), " ", ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)));
            return 0;
        });
        EXPECT_EQ(result.output, "true 1");
        return;
    }
    // A copy of id(1), setuid root. The control run without no_new_privs proves the bit works here, so the
    // test cannot pass because the file system ignores setuid bits.
    const std::string program = dir_ + "/id-setuid";
    {
        auto in = ::open("/usr/bin/id", O_RDONLY | O_CLOEXEC);
        auto out = ::open(program.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
        ASSERT_TRUE(in >= 0 && out >= 0);
        char buf[65536];
        ssize_t n = 0;
        while ((n = ::read(in, buf, sizeof buf)) > 0) {
            ASSERT_EQ(::write(out, buf, static_cast<std::size_t>(n)), n);
        }
        ::close(in);
        ::close(out);
        ASSERT_EQ(::chown(program.c_str(), 0, 0), 0);
        ASSERT_EQ(::chmod(program.c_str(), 04755), 0);
    }
    const CompiledPolicy hook = compile(policies::hook());
    const auto run_id = [&](bool through_privilege_drop) {
        return run_in_child([&](int fd) {
            ::dup2(fd, STDOUT_FILENO);
            if (through_privilege_drop) {
                ChildSpec spec = nobody_spec(STDOUT_FILENO);
                spec.seccomp = hook;
                if (auto dropped = apply(spec); !dropped) {
                    report(fd, dropped.error().message);
                    return 1;
                }
            } else {
                const gid_t group = kNobody;
                if (::setgroups(1, &group) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
                    ::setresuid(kNobody, kNobody, kNobody) != 0) {
                    return 2;
                }
            }
            ::execl(program.c_str(), "id", "-u", static_cast<char*>(nullptr));
            return 3;
        });
    };
    const auto control = run_id(false);
    EXPECT_EQ(control.output, "0\n") << "without no_new_privs the setuid bit must work: " << control.describe();
    const auto dropped = run_id(true);
    EXPECT_EQ(dropped.output, "65534\n") << dropped.describe();
}

TEST_F(PrivilegeDrop, WorkerPolicyIsInForceAfterTheDrop) {
    const CompiledPolicy worker = compile(policies::worker_postauth());
    const auto result = run_in_child([&](int fd) {
        ChildSpec spec = nobody_spec(fd);
        if (::geteuid() != 0) {  // non-root variant: keep the ids the process has
            spec.groups.reset();
            spec.gid.reset();
            spec.uid.reset();
        }
        spec.seccomp = worker;
        auto dropped = apply(spec);
        report(fd, dropped ? "applied; " : dropped.error().message);
        ::execl("/bin/true", "true", static_cast<char*>(nullptr));
        report(fd, "execl returned");
        return 0;
    });
    EXPECT_TRUE(result.killed_by(SIGSYS)) << result.describe();
    EXPECT_EQ(result.output, "applied; ");
}

TEST_F(PrivilegeDrop, KeptCapabilitiesSurviveTheUidChange) {
    const auto result = run_in_child([&](int fd) {
        ChildSpec spec = nobody_spec(fd);
        spec.capabilities = CapabilitySet::of({CAP_NET_BIND_SERVICE});
        auto dropped = apply(spec);
        report(fd, dropped ? dropped->summary() : dropped.error().message);
        return 0;
    });
    if (::geteuid() == 0) {
        EXPECT_EQ(result.output, "every privilege-drop step applied") << result.describe();
    } else {
        EXPECT_EQ(result.output,
                  "privilege drop (test_worker), capabilities: capabilities: cannot keep CAP_NET_BIND_SERVICE: not "
                  "held");
    }
}

TEST_F(PrivilegeDrop, UnprivilegedRunSkipsWhatNeedsRootAndStillConfines) {
    const CompiledPolicy hook = compile(policies::hook());
    const auto result = run_in_child([&](int fd) {
        if (!become_unprivileged()) {
            return 1;
        }
        const auto before = read_proc_status();
        const bool bounding_was_empty = before && before->cap_bounding.empty();
        ChildSpec spec = nobody_spec(fd);
        spec.groups = std::vector<gid_t>{4321};
        spec.gid = 4321;
        spec.uid = 4321;
        spec.chroot_dir = dir_;
        spec.landlock = LandlockRules{.read_only = {dir_}};
        spec.seccomp = hook;
        auto dropped = apply(spec);
        if (!dropped) {
            report(fd, dropped.error().message);
            return 2;
        }
        const bool landlocked = ::open("/etc/passwd", O_RDONLY) == -1 && errno == EACCES;
        report(fd, str_cat(dropped->summary(), "; landlocked ", landlocked, "; bounding was empty ",
                           bounding_was_empty));
        ::syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0);  // the hook policy kills this
        return 0;
    });
    EXPECT_TRUE(result.killed_by(SIGSYS)) << result.describe();
    // A launcher may already have emptied the bounding set; then there is nothing to cut.
    const bool bounding_was_empty = result.output.find("bounding was empty true") != std::string::npos;
    EXPECT_EQ(result.output.substr(0, result.output.find("; Landlock")),
              str_cat("skipped: setgroups [4321]: no capabilities; setresgid 4321: no capabilities; chroot ", dir_,
                      ": no capabilities; setresuid 4321: no capabilities; ",
                      bounding_was_empty ? "" : "bounding set not cut: no CAP_SETPCAP; ",
                      "securebits not locked: no CAP_SETPCAP"));
    EXPECT_NE(result.output.find("landlocked true"), std::string::npos) << result.output;
}

// Gone, or a zombie nobody has reaped yet.
bool ended(pid_t pid) {
    for (int i = 0; i < 500; ++i) {
        char state = 0;
        const std::string stat_path = str_cat("/proc/", pid, "/stat");
        FILE* f = std::fopen(stat_path.c_str(), "re");
        if (f == nullptr) {
            return true;
        }
        const int fields = std::fscanf(f, "%*d %*s %c", &state);
        (void)std::fclose(f);
        if (fields == 1 && state == 'Z') {
            return true;
        }
        ::usleep(10000);
    }
    return false;
}

// A worker never outlives its session monitor: the parent-death signal is set after the uid change, which
// would clear it, and survives into the confined child.
TEST_F(PrivilegeDrop, ParentDeathSignalKillsTheChildWhenItsParentEnds) {
    for (const int signal : {SIGKILL, 0}) {
        const auto result = run_in_child([signal](int fd) {
            int ready[2];
            if (::pipe2(ready, O_CLOEXEC) != 0) {
                return 1;
            }
            const pid_t child = ::fork();
            if (child == 0) {
                ChildSpec spec = nobody_spec(ready[1]);
                spec.parent_death_signal = signal;
                auto dropped = apply(spec);
                const char answer = dropped ? 'y' : 'n';
                if (::write(ready[1], &answer, 1) != 1) {
                    ::_exit(2);
                }
                ::pause();
                ::_exit(0);
            }
            ::close(ready[1]);
            char answer = '?';
            if (::read(ready[0], &answer, 1) != 1) {
                answer = '?';
            }
            report(fd, str_cat(answer, " ", child));
            return 0;  // the parent ends here
        });
        ASSERT_TRUE(result.exited_with(0)) << result.describe();
        ASSERT_EQ(result.output.substr(0, 2), "y ") << result.output;
        const pid_t child = static_cast<pid_t>(std::stol(result.output.substr(2)));
        if (signal != 0) {
            EXPECT_TRUE(ended(child)) << "the child outlived its parent";
        } else {
            EXPECT_EQ(::kill(child, 0), 0) << "control run: without the signal the child lives on";
            (void)::kill(child, SIGKILL);
        }
    }
}

TEST_F(PrivilegeDrop, ErrorsNameTheRoleAndTheStep) {
    ChildSpec no_gid;
    no_gid.role = "hook";
    no_gid.uid = kNobody;
    EXPECT_EQ(apply(no_gid).error().message,
              "privilege drop (hook), spec: a uid change needs the gid and the supplementary groups stated");
    ChildSpec no_nnp;
    no_nnp.role = "hook";
    no_nnp.no_new_privs = false;
    no_nnp.landlock = LandlockRules{};
    EXPECT_EQ(apply(no_nnp).error().message, "privilege drop (hook), spec: seccomp and Landlock need no_new_privs");
    const auto result = run_in_child([](int fd) {
        ChildSpec spec = nobody_spec(fd);
        spec.rlimits.clear();
        spec.chroot_dir = "/nonexistent/ward";
        if (::geteuid() != 0) {
            spec.rlimits = {{RLIMIT_NOFILE, 64, RLIM_INFINITY}};  // raising the hard limit needs privilege
        }
        auto dropped = apply(spec);
        report(fd, dropped ? "applied" : dropped.error().message);
        return 0;
    });
    if (::geteuid() == 0) {
        EXPECT_EQ(result.output, "privilege drop (test_worker), chroot: /nonexistent/ward: No such file or directory");
    } else {
        EXPECT_NE(result.output.find("privilege drop (test_worker), rlimits: setrlimit(7, 64, "), std::string::npos)
            << result.output;
    }
}

}  // namespace
}  // namespace ward::sandbox
