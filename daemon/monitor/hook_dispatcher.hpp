#pragma once
// How the monitor runs mod_exec hooks: implemented by exec/ over the configuration. The monitor passes
// what it knows about the session; the event comes from the worker and is treated as opaque values.
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
};

}  // namespace ward::monitor
