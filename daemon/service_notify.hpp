#pragma once
// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram per state change to the
// AF_UNIX socket named by $NOTIFY_SOCKET ("@name" is the abstract namespace). Outside systemd (no
// $NOTIFY_SOCKET) every call does nothing.
#include <string_view>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::daemon {

class ServiceNotifier {
public:
    // Reads $NOTIFY_SOCKET and removes it from the environment, so sessions and hook programs never see it.
    [[nodiscard]] static Result<ServiceNotifier> from_environment();
    // Sends to `socket_path` (for tests); an empty path gives a notifier that does nothing.
    [[nodiscard]] static Result<ServiceNotifier> to(std::string_view socket_path);

    [[nodiscard]] bool active() const noexcept { return fd_.valid(); }
    // One state message, e.g. "READY=1" or "STATUS=...": lines separated by '\n'.
    Result<void> send(std::string_view state) const;
    Result<void> ready(std::string_view status) const;
    // RELOADING=1 with MONOTONIC_USEC (systemd >= 253 wants the timestamp; older versions ignore it).
    Result<void> reloading() const;
    Result<void> stopping() const;

private:
    UniqueFd fd_;
};

}  // namespace ward::daemon
