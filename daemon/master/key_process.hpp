#pragma once
// The TLS key's own process (relayd's `ca`, kore's `keymgr`): forked by the master before anything has read
// the key, it loads the certificate's key itself and then only answers signature requests, one signing
// channel per session. Nothing is ever forked from it, so no other process holds a copy of the key (a fork
// copies the key's secret numbers; tests/daemon/tls_fork_memory_test.cpp). The session monitor checks each
// worker request against its table and forwards it (KeyProcess::sign).
#include <sys/types.h>

#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/ipc/channel.hpp"
#include "daemon/tls/sign_request.hpp"

namespace ward::master {

class KeyProcess {
public:
    // Forks the key process, which loads the files; an Error (naming the file and why) if it could not.
    [[nodiscard]] static Result<KeyProcess> start(const std::string& certificate_file, const std::string& key_file);

    KeyProcess(KeyProcess&& other) noexcept;
    KeyProcess& operator=(KeyProcess&&) = delete;
    KeyProcess(const KeyProcess&) = delete;
    KeyProcess& operator=(const KeyProcess&) = delete;
    ~KeyProcess();  // ends the key process

    // A new signing channel for one session (its monitor keeps the returned end).
    [[nodiscard]] Result<ipc::Channel> connect();
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    // The session monitor's side: one request over a channel from connect(); the signature, or an Error when
    // the key process refused the input or is gone.
    [[nodiscard]] static Result<std::string> sign(ipc::Channel& channel, const tls::SignRequest& request);

private:
    KeyProcess(pid_t pid, UniqueFd pidfd, ipc::Channel control)
        : pid_(pid), pidfd_(std::move(pidfd)), control_(std::move(control)) {}

    pid_t pid_ = -1;
    // The end of the key process is signalled and waited for through this, never by pid: the master's
    // waitpid(-1) may have reaped it already, and its pid may belong to a new session by then.
    UniqueFd pidfd_;
    ipc::Channel control_;
};

}  // namespace ward::master
