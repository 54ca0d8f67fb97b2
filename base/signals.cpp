#include "base/signals.hpp"

namespace ward::signals {
namespace {

void set_default(int sig) noexcept {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    (void)::sigaction(sig, &dfl, nullptr);
}

void unblock_all() noexcept {
    sigset_t none;
    sigemptyset(&none);
    (void)::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace

void reset_all() noexcept {
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            set_default(sig);
        }
    }
    unblock_all();
}

void reset_changed() noexcept {
    for (const int sig : kChanged) {
        set_default(sig);
    }
    unblock_all();
}

void reset_for_daemon_child() noexcept {
    reset_changed();
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    (void)::sigaction(SIGPIPE, &ignore, nullptr);
}

}  // namespace ward::signals
