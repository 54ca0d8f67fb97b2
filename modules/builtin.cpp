#include "modules/builtin.hpp"

#include <deque>
#include <string>

#include "config/registry.hpp"

namespace ward::modules {
namespace {

struct Owned {
    std::string_view name;
    std::vector<std::string_view> commands;
    bool required;
};

// The FTP verbs each built-in serves; modules without commands of their own are required.
std::vector<Owned> owned_commands() {
    return {
        {"mod_xfer.c", {"RETR", "STOR", "STOU", "APPE", "REST", "ABOR", "TYPE", "MODE", "STRU", "ALLO"}, false},
        {"mod_ls.c", {"LIST", "NLST", "MLSD", "MLST", "STAT"}, false},
        {"mod_site.c", {"SITE"}, false},
        // Listed as Debian's proftpd lists them; every directive of theirs is of no effect here (see
        // docs/directives.md), so ModuleOrder may leave them out.
        {"mod_rlimit.c", {}, false},
        {"mod_delay.c", {}, false},
        {"mod_facts.c", {}, false},
        {"mod_lang.c", {}, false},
    };
}

constexpr ward_site_command kSiteCommands[] = {
    {"CHMOD", "<sp> mode <sp> path", nullptr},
    {"HELP", "[<sp> site-command]", nullptr},
};

struct Tables {
    std::deque<std::vector<ward_directive>> directives;  // stable addresses for the C tables
    std::deque<std::string> strings;
    std::deque<ward_module> modules;
    std::vector<BuiltinModule> list;
};

const Tables& tables() {
    static const Tables built = [] {
        Tables t;
        const config::Registry registry;
        const auto owned = owned_commands();
        for (const auto name : config::builtin_modules()) {
            auto& directives = t.directives.emplace_back();
            for (const auto& directive : registry.all_names()) {
                const config::DirectiveSpec* spec = registry.find(directive);
                if (spec != nullptr && spec->module == name) {
                    directives.push_back({t.strings.emplace_back(spec->name).c_str(),
                                          t.strings.emplace_back(spec->syntax).c_str()});
                }
            }
            const bool site = name == "mod_site.c";
            const char* c_name = t.strings.emplace_back(name).c_str();
            t.modules.push_back(ward_module{WARD_MODULE_ABI_VERSION, c_name, "built in", directives.data(),
                                            directives.size(), site ? kSiteCommands : nullptr,
                                            site ? std::size(kSiteCommands) : 0, nullptr, 0});
            BuiltinModule module{&t.modules.back(), {}, true};
            for (const auto& o : owned) {
                if (o.name == name) {
                    module.commands = o.commands;
                    module.required = o.required;
                }
            }
            t.list.push_back(std::move(module));
        }
        return t;
    }();
    return built;
}

}  // namespace

std::span<const BuiltinModule> builtin_modules() { return tables().list; }

const BuiltinModule* find_builtin(std::string_view name) {
    for (const auto& module : builtin_modules()) {
        if (module.table->name == name) {
            return &module;
        }
    }
    return nullptr;
}

}  // namespace ward::modules
