#include "daemon/monitor/pam_helper.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <thread>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"
#include "daemon/monitor/pam_answer.hpp"
#include "daemon/monitor/pam_conversation.hpp"
#include "sandbox/child_spec.hpp"

namespace ward::monitor {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxAnswerBytes = 4096;

// In the helper: confine, converse, answer, close the PAM session, leave.
[[noreturn]] void run_helper(const PamHelperSetup& setup, int fd, std::string_view name, std::string_view password) {
    signals::reset_changed();
    (void)::prctl(PR_SET_NAME, "ward-pam", 0, 0, 0);
    const auto send = [fd](const PamAnswer& answer) {
        const std::string message = encode_pam_answer(answer);
        (void)::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
    };
    sandbox::ChildSpec spec;
    spec.role = "pam helper";
    spec.keep_fds = {fd};
    spec.parent_death_signal = SIGKILL;
    if (setup.policy != nullptr) {
        spec.seccomp = *setup.policy;
    }
    if (auto applied = sandbox::apply(spec); !applied) {
        send(PamAnswer{PamResult::service_error, str_cat("confining the PAM helper: ", applied.error().message)});
        ::_exit(1);
    }
    PamAttempt attempt;
    attempt.service = setup.settings->pam_service;
    attempt.user = std::string(name);
    attempt.password = password;
    attempt.client_address = setup.client_address;
    attempt.set_tty = setup.settings->pam_tty;
    (void)run_pam_attempt(attempt, send);
    ::_exit(0);
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) {
        return str_cat("was killed by signal ", WTERMSIG(status));
    }
    return str_cat("exited with status ", WEXITSTATUS(status));
}

// Reaps the helper by `deadline`, killing it when it is still running then.
int reap(pid_t pid, Clock::time_point deadline) {
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) {
            return status;
        }
        if (Clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

auth::BackendAnswer from_pam(const PamAnswer& answer) {
    using auth::Verdict;
    switch (answer.result) {
        case PamResult::ok: return {Verdict::authenticated, std::nullopt, {}};
        case PamResult::no_such_user: return {Verdict::no_such_user, std::nullopt, "No such user found"};
        case PamResult::bad_password: return {Verdict::refused, std::nullopt, "Incorrect password"};
        case PamResult::account_disabled: return {Verdict::refused, std::nullopt, "Account disabled"};
        case PamResult::password_expired: return {Verdict::refused, std::nullopt, "Password expired"};
        case PamResult::service_error:
            return {Verdict::refused, std::nullopt, "Failed initializing authentication service"};
    }
    return {Verdict::error, std::nullopt, "unknown PAM result"};
}

}  // namespace

auth::BackendAnswer PamHelper::authenticate(std::string_view name, std::string_view password) {
    using auth::Verdict;
    std::array<int, 2> pair{};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair.data()) != 0) {
        return {Verdict::error, std::nullopt, sys::errno_error("socketpair for the PAM helper").message};
    }
    UniqueFd ours(pair[0]);
    UniqueFd theirs(pair[1]);
    const auto started = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        return {Verdict::error, std::nullopt, sys::errno_error("fork for the PAM helper").message};
    }
    if (pid == 0) {
        ours.reset();
        run_helper(setup_, theirs.get(), name, password);
    }
    theirs.reset();
    const auto deadline = started + setup_.timeout;

    pollfd ready{ours.get(), POLLIN, 0};
    int polled = 0;
    do {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        polled = ::poll(&ready, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    } while (polled < 0 && errno == EINTR);
    if (polled <= 0) {
        const int status = reap(pid, Clock::now());
        log::error("mod_auth_pam: the PAM helper (pid ", pid, ") gave no answer within ", setup_.timeout.count(),
                   " ms and was killed (", describe_status(status), ")");
        return {Verdict::error, std::nullopt, "the PAM helper timed out"};
    }
    std::string message(kMaxAnswerBytes, '\0');
    const ssize_t got = ::recv(ours.get(), message.data(), message.size(), MSG_TRUNC | MSG_DONTWAIT);
    message.resize(got > 0 ? std::min(static_cast<std::size_t>(got), kMaxAnswerBytes) : 0);
    const auto answer = got > 0 && static_cast<std::size_t>(got) <= kMaxAnswerBytes ? decode_pam_answer(message)
                                                                                   : std::nullopt;
    // It closes the PAM session after answering; it gets what is left of the timeout for that.
    const int status = reap(pid, answer ? deadline : Clock::now());
    if (!answer) {
        log::error("mod_auth_pam: the PAM helper (pid ", pid, ") ", describe_status(status),
                   got > 0 ? " after a malformed answer" : " without an answer");
        return {Verdict::error, std::nullopt, "the PAM helper failed"};
    }
    if (!answer->detail.empty()) {
        log::notice("mod_auth_pam: PAM(", name, "): ", answer->detail);
    }
    return from_pam(*answer);
}

}  // namespace ward::monitor
