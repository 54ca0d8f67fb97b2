#pragma once
// The security-relevant fields of /proc/<pid>/status: credentials, capability sets, no_new_privs and the
// seccomp mode. Tests read it to check what a process really holds; other suites use it on a running worker.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sandbox/capabilities.hpp"

namespace ward::sandbox {

struct ProcStatus {
    std::array<uid_t, 4> uid{};  // real, effective, saved, filesystem
    std::array<gid_t, 4> gid{};
    std::vector<gid_t> groups;
    CapabilitySet cap_inheritable;
    CapabilitySet cap_permitted;
    CapabilitySet cap_effective;
    CapabilitySet cap_bounding;
    CapabilitySet cap_ambient;
    int no_new_privs = -1;
    int seccomp = -1;  // 0 off, 1 strict, 2 filter
    int seccomp_filters = -1;
};

// Parses the text of a status file; every field above must be present.
[[nodiscard]] Result<ProcStatus> parse_proc_status(std::string_view text);
// pid 0: the calling process (/proc/self/status).
[[nodiscard]] Result<ProcStatus> read_proc_status(pid_t pid = 0);
// Reads from an already open status file (from offset 0): works after the process lost access to /proc.
[[nodiscard]] Result<ProcStatus> read_proc_status_fd(int fd);

}  // namespace ward::sandbox
