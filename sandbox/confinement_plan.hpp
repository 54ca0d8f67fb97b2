#pragma once
// Which confinement each process role gets on this kernel, run this way (root or not), in words: `-t` prints
// it and start-up logs the same lines (one function, so the two cannot disagree). What the kernel cannot
// give is a warning at the default log level, never a debug line: a missing layer must not fail silently.
#include <string>
#include <vector>

#include "sandbox/capabilities.hpp"

namespace ward::sandbox {

struct ConfinementFacts {
    bool privileged = false;          // started as root
    int landlock_abi = 0;             // landlock_abi(): 0 when the kernel lacks it
    CapabilitySet master;             // what the master keeps after start-up
    struct Monitor {
        std::string server;  // "ServerName, port N"
        CapabilitySet caps;
    };
    std::vector<Monitor> monitors;  // each server's session monitor set
};

struct ConfinementPlan {
    std::vector<std::string> roles;     // "master: ...", "session monitor: ...", one per role
    std::vector<std::string> warnings;  // layers this kernel or this way of running cannot give
};

[[nodiscard]] ConfinementPlan confinement_plan(const ConfinementFacts& facts);

}  // namespace ward::sandbox
