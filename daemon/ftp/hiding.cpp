#include "daemon/ftp/hiding.hpp"

#include <string>

#include "daemon/ftp/posix_regex.hpp"

namespace ward::ftp {
namespace {

// HideUser/HideGroup: the first entry naming the owner decides (hidden unless "!name"); an inverted entry
// that does not name it hides it; otherwise the next entry is asked.
bool hidden_by_owner(const std::vector<std::pair<std::string, bool>>& entries, std::string_view actual) {
    for (const auto& [name, inverted] : entries) {
        if (name == actual) {
            return !inverted;
        }
        if (inverted) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool hidden_by_name(const HideRules& rules, std::string_view name) {
    if (!rules.files) {
        return false;
    }
    return rules.files->matches(std::string(name)) != rules.files_negated;
}

bool hidden_entry(const HideRules& rules, std::string_view name, const FileFacts& facts, const EntryOwner& owner,
                  std::uint32_t uid, std::uint32_t gid) {
    if (hidden_by_name(rules, name) || hidden_by_owner(rules.users, owner.user) ||
        hidden_by_owner(rules.groups, owner.group)) {
        return true;
    }
    return rules.no_access && !accessible(facts, uid, gid);
}

}  // namespace ward::ftp
