#include "config/command_groups.hpp"

#include <array>

#include "base/strings.hpp"

namespace ward::config {
namespace {

constexpr std::string_view kNoGroup;
constexpr std::string_view kPROT = "PROT";  // TLS's PROT: no row while TLS is not built, still outside ALL

#define WARD_GROUP_none kNoGroup
#define WARD_GROUP_READ std::string_view("READ")
#define WARD_GROUP_WRITE std::string_view("WRITE")
#define WARD_GROUP_DIRS std::string_view("DIRS")

constexpr VerbFacts kVerbs[] = {
#define WARD_VERB(verb, limit_name, group, in_all, argument, path, names_dir, check, module, feat, before_login, \
                  handler, help)                                                                             \
    {#verb, #limit_name, WARD_GROUP_##group, in_all, names_dir, module},
#define WARD_SITE(sub, group, check, module, handler, help) \
    {"SITE_" #sub, "SITE_" #sub, WARD_GROUP_##group, true, false, module},
#include "config/command_groups.def"
#undef WARD_VERB
#undef WARD_SITE
};

#undef WARD_GROUP_none
#undef WARD_GROUP_READ
#undef WARD_GROUP_WRITE
#undef WARD_GROUP_DIRS

bool is_site(const VerbFacts& facts) noexcept { return facts.name.starts_with("SITE_"); }

bool names_command(std::string_view entry, std::string_view command) noexcept {
    if (iequals(entry, command)) {
        return true;
    }
    const auto twin = command_twin(command);
    return !twin.empty() && iequals(entry, twin);
}

}  // namespace

std::span<const VerbFacts> verb_facts() noexcept { return kVerbs; }

const VerbFacts* find_verb_facts(std::string_view command) noexcept {
    for (const auto& facts : kVerbs) {
        if (iequals(facts.name, command)) {
            return &facts;
        }
    }
    return nullptr;
}

std::vector<std::string_view> module_verbs(std::string_view module) {
    std::vector<std::string_view> out;
    for (const auto& facts : kVerbs) {
        if (facts.module == module && !is_site(facts)) {
            out.push_back(facts.name);
        }
    }
    return out;
}

std::string_view command_twin(std::string_view command) noexcept {
    for (const auto& facts : kVerbs) {
        if (facts.name == facts.limit_name) {
            continue;
        }
        if (iequals(command, facts.name)) {
            return facts.limit_name;
        }
        if (iequals(command, facts.limit_name)) {
            return facts.name;
        }
    }
    return {};
}

std::string_view command_group(std::string_view command) noexcept {
    const VerbFacts* facts = find_verb_facts(command);
    return facts != nullptr ? facts->group : std::string_view();
}

bool command_in_group(std::string_view command, std::string_view group) noexcept {
    if (names_command(group, command)) {
        return true;
    }
    if (iequals(group, "ALL")) {
        if (iequals(command, "LOGIN") || iequals(command, kPROT)) {
            return false;
        }
        const VerbFacts* facts = find_verb_facts(command);
        return facts == nullptr || facts->in_all;
    }
    const auto own = command_group(command);
    return !own.empty() && iequals(own, group);
}

bool command_list_matches(std::string_view list, std::string_view command) noexcept {
    const auto own = command_group(command);
    for (const auto item : split(list, ',')) {
        const auto entry = trim(item);
        if (entry.empty()) {
            continue;
        }
        if (iequals(entry, "ALL") || iequals(entry, command) || (!own.empty() && iequals(own, entry))) {
            return true;
        }
    }
    return false;
}

}  // namespace ward::config
