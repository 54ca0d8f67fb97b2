#include "modules/builtin.hpp"

#include <deque>
#include <string>

#include "config/command_groups.hpp"
#include "config/registry.hpp"

namespace ward::modules {
namespace {

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
            // The verbs come from the one verb table; only modules that serve nothing else can be removed.
            // mod_rlimit, mod_delay, mod_facts and mod_lang are listed as Debian's proftpd lists them;
            // ModuleOrder may leave them out (their directives are of no effect here: docs/directives.md).
            // mod_tls may be left out as in ProFTPD (its <IfModule> sections then do not hold).
            const bool removable = name == "mod_xfer.c" || name == "mod_ls.c" || site || name == "mod_rlimit.c" ||
                                   name == "mod_delay.c" || name == "mod_facts.c" || name == "mod_lang.c" ||
                                   name == "mod_tls.c";
            BuiltinModule module{&t.modules.back(), config::module_verbs(name), !removable};
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
