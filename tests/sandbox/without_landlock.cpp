// without_landlock PROGRAM ARGS...: runs PROGRAM as if the kernel had no Landlock. A seccomp filter makes the
// three Landlock system calls fail with ENOSYS (what a kernel built without it answers), then PROGRAM is
// executed with no_new_privs. Lets the tests show what wardftpd says and does on such a kernel.
#include <seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: without_landlock PROGRAM ARGS...\n");
        return 2;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr) {
        return 1;
    }
    for (const char* name : {"landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"}) {
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), seccomp_syscall_resolve_name(name), 0) != 0) {
            std::fprintf(stderr, "without_landlock: cannot filter %s\n", name);
            return 1;
        }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || seccomp_load(ctx) != 0) {
        std::fprintf(stderr, "without_landlock: cannot install the filter\n");
        return 1;
    }
    seccomp_release(ctx);
    execv(argv[1], argv + 1);
    std::fprintf(stderr, "without_landlock: %s: %s\n", argv[1], std::strerror(errno));
    return 127;
}
