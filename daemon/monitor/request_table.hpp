#pragma once
// The session monitor's attack surface, as one table: which request a worker may send in which phase,
// and how often. Anything else ends the session (and is logged). Read this before session_monitor.cpp.
#include <array>
#include <cstdint>
#include <limits>

#include "daemon/ipc/messages.hpp"

namespace ward::monitor {

enum class Phase : std::uint8_t {
    preauth,        // the pre-auth worker (an unprivileged user, empty root, strict seccomp) is talking
    authenticated,  // a login succeeded; only the hand-over may follow, then the worker exits
    postauth,       // the post-auth worker (the logged-in user) is talking
};

inline constexpr std::uint32_t kUnlimited = std::numeric_limits<std::uint32_t>::max();

struct Permission {
    ipc::MessageType type;
    Phase phase;
    std::uint32_t max_per_phase;
};

inline constexpr std::array kRequestTable = {
    // USER/PASS; the number of failures is bounded separately by MaxLoginAttempts.
    Permission{ipc::MessageType::auth_request, Phase::preauth, kUnlimited},
    // Hooks for commands before login (ExecOnError PASS, ExecBeforeCommand USER, ...).
    Permission{ipc::MessageType::hook_request, Phase::preauth, kUnlimited},
    Permission{ipc::MessageType::session_end, Phase::preauth, 1},
    // After a successful login: PASS's own ExecOnCommand hooks (at most once; answer_hooks checks it is
    // on_command PASS), then the pre-auth worker's state, once.
    Permission{ipc::MessageType::hook_request, Phase::authenticated, 1},
    Permission{ipc::MessageType::handover_request, Phase::authenticated, 1},
    Permission{ipc::MessageType::hook_request, Phase::postauth, kUnlimited},
    // Active-mode data connections from port L-1 when that is a privileged port.
    Permission{ipc::MessageType::data_socket_request, Phase::postauth, kUnlimited},
    Permission{ipc::MessageType::session_end, Phase::postauth, 1},
};

[[nodiscard]] constexpr const Permission* find_permission(ipc::MessageType type, Phase phase) noexcept {
    for (const auto& p : kRequestTable) {
        if (p.type == type && p.phase == phase) {
            return &p;
        }
    }
    return nullptr;
}

[[nodiscard]] constexpr const char* phase_name(Phase phase) noexcept {
    switch (phase) {
        case Phase::preauth: return "pre-auth";
        case Phase::authenticated: return "authenticated";
        case Phase::postauth: return "post-auth";
    }
    return "?";
}

}  // namespace ward::monitor
