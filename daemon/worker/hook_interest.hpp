#pragma once
// Which (hook point, command) pairs the configuration attaches any hook to, anywhere in the server.
// The worker asks its monitor to run hooks only for these, so a server without hooks pays nothing per
// command. It is an over-approximation: the monitor alone decides what actually runs.
#include <array>
#include <set>
#include <string>
#include <string_view>

#include "exec/hook_event.hpp"

namespace ward::worker {

class HookInterest {
public:
    void add_command(exec::HookPoint point, std::string_view upper_case_command);
    void add_all(exec::HookPoint point);
    [[nodiscard]] bool wants(exec::HookPoint point, std::string_view upper_case_command) const;
    [[nodiscard]] bool empty() const noexcept;

private:
    struct PointInterest {
        bool all = false;
        std::set<std::string, std::less<>> commands;
    };
    std::array<PointInterest, 6> points_{};  // indexed by HookPoint's value
};

}  // namespace ward::worker
