#pragma once
// Which (hook point, command) pairs the configuration attaches any hook to, anywhere in the server.
// The worker asks its monitor to run hooks only for these, so a server without hooks pays nothing per
// command. It is an over-approximation: the monitor alone decides what actually runs.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "exec/hook_event.hpp"

namespace ward::worker {

class HookInterest {
public:
    // A mod_exec command list: "STOR,RETR", "WRITE", "ALL".
    void add_list(exec::HookPoint point, std::string_view command_list);
    [[nodiscard]] bool wants(exec::HookPoint point, std::string_view upper_case_command) const;
    [[nodiscard]] bool empty() const noexcept;

private:
    std::array<std::vector<std::string>, 6> lists_{};  // indexed by HookPoint's value
};

}  // namespace ward::worker
