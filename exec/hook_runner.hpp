#pragma once
// Runs configured hooks the way mod_exec does, without its risks: arguments expanded one by one
// (exec/variables), the program started directly (exec/spawn) as the identity the caller decided, under
// the hook seccomp policy, with only ExecEnviron's environment; outcome and output logged to ExecLog in
// ProFTPD's wording.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exec/exec_log.hpp"
#include "exec/hook_config.hpp"
#include "exec/variables.hpp"
#include "sandbox/seccomp_policy.hpp"

namespace ward::exec {

struct RunAs {
    std::optional<uid_t> uid;  // nullopt: as the calling process (a daemon started without root)
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

struct HookRunnerSetup {
    ExecSettings settings;
    ExecLog log;
    const sandbox::CompiledPolicy* seccomp = nullptr;  // the hook policy; nullptr only with ExecSandbox off
};

struct HookRun {
    const ConfiguredHook* hook = nullptr;
    std::string label;  // "STOR ExecOnCommand"
    RunAs as;
    std::vector<std::pair<std::string, std::string>> environ;  // ExecEnviron templates
    bool may_send_stdout = false;  // ExecOnCommand and ExecOnConnect only
};

class HookRunner {
public:
    explicit HookRunner(HookRunnerSetup setup) : setup_(std::move(setup)) {}

    // Runs one hook to its end (bounded by ExecTimeout); returns its stdout lines when sendStdout applies.
    std::vector<std::string> run(const HookRun& run, const ExpandInput& input) const;

    [[nodiscard]] const ExecSettings& settings() const noexcept { return setup_.settings; }
    // Programs started by run() so far, and how many of them ExecTimeout ended.
    [[nodiscard]] std::uint64_t runs() const noexcept { return runs_; }
    [[nodiscard]] std::uint64_t timeouts() const noexcept { return timeouts_; }

private:
    HookRunnerSetup setup_;
    mutable std::uint64_t runs_ = 0;
    mutable std::uint64_t timeouts_ = 0;
};

// stdout split into reply lines: at most `max_lines`, CR and control bytes removed.
[[nodiscard]] std::vector<std::string> output_lines(std::string_view output, std::size_t max_lines);

}  // namespace ward::exec
