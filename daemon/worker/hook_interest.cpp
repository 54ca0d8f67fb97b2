#include "daemon/worker/hook_interest.hpp"

#include "config/command_groups.hpp"

namespace ward::worker {
namespace {

std::size_t index_of(exec::HookPoint point) { return static_cast<std::size_t>(point) % 6; }

}  // namespace

void HookInterest::add_list(exec::HookPoint point, std::string_view command_list) {
    lists_[index_of(point)].emplace_back(command_list);
}

bool HookInterest::wants(exec::HookPoint point, std::string_view upper_case_command) const {
    for (const auto& list : lists_[index_of(point)]) {
        if (config::command_list_matches(list, upper_case_command)) {
            return true;
        }
    }
    return false;
}

bool HookInterest::empty() const noexcept {
    for (const auto& lists : lists_) {
        if (!lists.empty()) {
            return false;
        }
    }
    return true;
}

}  // namespace ward::worker
