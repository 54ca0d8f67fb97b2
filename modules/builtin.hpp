#pragma once
// The built-in modules, described by the same table shape a shared module exports (wardftpd/module.h):
// name, ABI version, directives (from the config registry), SITE commands (implemented by the core, so
// their handlers are NULL). `wardftpd -l` lists them in this order. rmmod of a removable built-in turns
// off the FTP commands it owns for new sessions; the others are required and cannot be removed.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wardftpd/module.h"

namespace ward::modules {

struct BuiltinModule {
    const ward_module* table = nullptr;
    std::vector<std::string_view> commands;  // FTP verbs it owns ("SITE" for mod_site.c)
    bool required = true;                    // rmmod refused
};

[[nodiscard]] std::span<const BuiltinModule> builtin_modules();
[[nodiscard]] const BuiltinModule* find_builtin(std::string_view name);

}  // namespace ward::modules
