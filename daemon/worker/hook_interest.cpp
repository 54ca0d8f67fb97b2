#include "daemon/worker/hook_interest.hpp"

namespace ward::worker {
namespace {

std::size_t index_of(exec::HookPoint point) { return static_cast<std::size_t>(point) % 6; }

}  // namespace

void HookInterest::add_command(exec::HookPoint point, std::string_view upper_case_command) {
    points_[index_of(point)].commands.emplace(upper_case_command);
}

void HookInterest::add_all(exec::HookPoint point) { points_[index_of(point)].all = true; }

bool HookInterest::wants(exec::HookPoint point, std::string_view upper_case_command) const {
    const PointInterest& p = points_[index_of(point)];
    return p.all || p.commands.find(upper_case_command) != p.commands.end();
}

bool HookInterest::empty() const noexcept {
    for (const auto& p : points_) {
        if (p.all || !p.commands.empty()) {
            return false;
        }
    }
    return true;
}

}  // namespace ward::worker
