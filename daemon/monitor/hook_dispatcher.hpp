#pragma once
// How the monitor runs mod_exec hooks: implemented by exec/ over the configuration. The monitor passes
// what it knows about the session; the event comes from the worker and is treated as opaque values.
#include <cstdint>
#include <string>
#include <vector>

#include "exec/hook_event.hpp"

namespace ward::monitor {

struct SessionFacts;

class HookDispatcher {
public:
    virtual ~HookDispatcher() = default;
    // Runs every hook the configuration attaches to this point and command in the session's context;
    // returns the lines to send to the client (sendStdout).
    virtual std::vector<std::string> dispatch(exec::HookPoint point, const exec::CommandEvent& event,
                                              const SessionFacts& session) = 0;

    // How many hook programs ran and how many of them ExecTimeout ended, since this dispatcher was made:
    // the monitor's own count, reported to the master for the metrics endpoint.
    struct Tally {
        std::uint64_t runs = 0;
        std::uint64_t timeouts = 0;
    };
    [[nodiscard]] virtual Tally tally() const noexcept { return {}; }
};

}  // namespace ward::monitor
