#include "modules/module_set.hpp"

#include <unistd.h>

#include <cerrno>

#include <algorithm>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/registry.hpp"
#include "config/validators.hpp"
#include "config/values.hpp"
#include "modules/builtin.hpp"
#include "wardftpd/module.h"

namespace ward::modules {
namespace {

std::string at(const config::Directive& d) { return str_cat(to_string(d.where), ": ", d.name, " ", d.args.at(0), ": "); }

std::string file_of(std::string_view module_name, std::string_view dir) {
    // mod_x.c -> <ModulePath>/mod_x.so
    return str_cat(dir, dir.ends_with('/') ? "" : "/", module_name.substr(0, module_name.size() - 2), ".so");
}

Result<void> check_module_path(const std::string& path, const TrustedOwners& owners) {
    auto dir = open_trusted_dir(path, owners);
    if (!dir) {
        return std::move(dir).error();
    }
    return {};
}

// A verified object a LoadModule names must export wardftpd's entry point: a ProFTPD module signed with a trusted
// key would pass the signature and fail only in the post-login worker's dlopen, refusing every login.
bool has_ward_entry(const VerifiedObject& object) {
    std::string bytes(object.size, '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(object.memfd.get(), bytes.data() + done, bytes.size() - done,
                                  static_cast<off_t>(done));
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return bytes.find(WARD_MODULE_ENTRY_SYMBOL) != std::string::npos;
}

}  // namespace

std::function<Result<std::vector<config::DirectiveSpec>>(const config::Directive&)> parse_time_loader() {
    return [](const config::Directive&) -> Result<std::vector<config::DirectiveSpec>> {
        return std::vector<config::DirectiveSpec>{};
    };
}

std::optional<std::string> unavailable_module(std::string_view name, std::string_view module_path) {
    const std::string dir(module_path.empty() ? kDefaultModulePath : module_path);
    const std::string path = file_of(name, dir);
    if (::access(path.c_str(), F_OK) != 0) {
        return str_cat(path, " is not installed");
    }
    if (::access((path + ".minisig").c_str(), F_OK) == 0) {
        return std::nullopt;
    }
    auto bytes = sys::read_file(path, kMaxModuleBytes);
    if (!bytes || bytes->find(WARD_MODULE_ENTRY_SYMBOL) != std::string::npos) {
        return std::nullopt;  // verified (and refused, if it must be) by from_config
    }
    return str_cat(path, " is a ProFTPD module (ProFTPD's ABI, which wardftpd cannot load)");
}

std::function<std::optional<std::string>(const config::Directive&, std::string_view)> parse_time_unavailable() {
    return [](const config::Directive& load, std::string_view module_path) {
        return unavailable_module(load.args.at(0), module_path);
    };
}

bool ModuleSet::loaded(std::string_view name) const {
    return std::any_of(modules_.begin(), modules_.end(), [name](const auto& m) { return m.module_name == name; });
}

Result<ModuleSet> ModuleSet::from_config(const config::Config& config, const TrustedOwners& owners) {
    if (auto ready = minisign::init(); !ready) {
        return std::move(ready).error();
    }
    const config::Context& root = config.root;
    ModuleSet set;
    set.verify_.owners = owners;
    if (const config::Directive* path = root.find("ModulePath")) {
        set.module_path_ = path->args.at(0);
        // A directory that is not there holds no module: every LoadModule from it was a warning at parse time
        // ("not installed"). One that is there must be safe, whether or not anything loads from it.
        const bool exists = ::access(set.module_path_.c_str(), F_OK) == 0 || errno != ENOENT;
        if (auto ok = exists ? check_module_path(set.module_path_, owners) : Result<void>{}; !ok) {
            return Error{at(*path) + ok.error().message};
        }
    }
    if (const config::Directive* required = root.find("ModuleSignatureRequired")) {
        set.verify_.signature_required = config::as_bool(*required);
    }
    for (const config::Directive* key : root.find_all("ModuleTrustedKey")) {
        auto loaded = load_trusted_key(key->args.at(0), owners);
        if (!loaded) {
            return Error{at(*key) + loaded.error().message};
        }
        set.verify_.trusted_keys.push_back(std::move(*loaded));
    }
    for (const config::Directive* rule : root.find_all("ModuleControlsACLs")) {
        set.control_rules_.push_back(control_rule(*rule));
    }
    for (const config::Directive* file : root.find_all("LoadFile")) {
        auto object = verify_object(file->args.at(0), "", set.verify_);
        if (!object) {
            return Error{at(*file) + object.error().message};
        }
        set.libraries_.push_back(std::move(*object));
    }
    for (const config::Directive* load : root.find_all("LoadModule")) {
        const std::string& name = load->args.at(0);
        // As ProFTPD's set_loadmodule, which ignores EEXIST: a built-in or already loaded module stays as it is.
        // A module that cannot load here was a warning at parse time, and its <IfModule> sections were absent.
        if (find_builtin(name) != nullptr || set.loaded(name) ||
            unavailable_module(name, root.find("ModulePath") ? set.module_path_ : std::string())) {
            continue;
        }
        if (!root.find("ModulePath")) {
            if (auto ok = check_module_path(set.module_path_, owners); !ok) {
                return Error{at(*load) + ok.error().message};
            }
        }
        auto object = verify_object(file_of(name, set.module_path_), name, set.verify_);
        if (!object) {
            return Error{at(*load) + object.error().message};
        }
        if (!has_ward_entry(*object)) {
            return Error{str_cat(at(*load), object->path, " is a ProFTPD module: it has no wardftpd entry point (",
                                 WARD_MODULE_ENTRY_SYMBOL, "), and wardftpd cannot load ProFTPD's ABI; remove this "
                                 "LoadModule, or build the module against wardftpd's module API and sign that")};
        }
        set.modules_.push_back(std::move(*object));
    }
    if (const config::Directive* order = root.find("ModuleOrder")) {
        const auto& listed = order->args;
        const auto in_order = [&listed](std::string_view name) {
            return std::find(listed.begin(), listed.end(), name) != listed.end();
        };
        for (const auto& builtin : builtin_modules()) {
            if (in_order(builtin.table->name)) {
                continue;
            }
            if (builtin.required) {
                return Error{str_cat(to_string(order->where), ": ModuleOrder must list the required module ",
                                     builtin.table->name)};
            }
            set.disabled_builtins_.emplace(builtin.table->name);
        }
        for (const auto& module : set.modules_) {
            if (!in_order(module.module_name)) {
                return Error{str_cat(to_string(order->where), ": ModuleOrder does not list ", module.module_name,
                                     ", which LoadModule loads")};
            }
        }
        std::stable_sort(set.modules_.begin(), set.modules_.end(), [&listed](const auto& a, const auto& b) {
            return std::find(listed.begin(), listed.end(), a.module_name) <
                   std::find(listed.begin(), listed.end(), b.module_name);
        });
    }
    return set;
}

Result<std::string> ModuleSet::insmod(std::string_view name) {
    if (config::check::module_name(name)) {
        return Error{str_cat("Bad module name '", escape_for_log(name), "'")};
    }
    if (find_builtin(name) != nullptr) {
        if (const auto it = disabled_builtins_.find(name); it != disabled_builtins_.end()) {
            disabled_builtins_.erase(it);
            return str_cat("built-in module ", name, " enabled again for new sessions");
        }
        return Error{str_cat("Already loaded: ", name, " is built in")};
    }
    if (loaded(name)) {
        return Error{str_cat("Already loaded: ", name)};
    }
    if (auto ok = check_module_path(module_path_, verify_.owners); !ok) {
        return std::move(ok).error();
    }
    auto object = verify_object(file_of(name, module_path_), std::string(name), verify_);
    if (!object) {
        return std::move(object).error();
    }
    modules_.push_back(std::move(*object));
    return str_cat("module ", name, " loaded for new sessions (signed by ",
                   modules_.back().signer.empty() ? std::string("no key") : modules_.back().signer, ")");
}

Result<std::string> ModuleSet::rmmod(std::string_view name) {
    if (config::check::module_name(name)) {
        return Error{str_cat("Bad module name '", escape_for_log(name), "'")};
    }
    if (const BuiltinModule* builtin = find_builtin(name)) {
        if (builtin->required) {
            return Error{str_cat(name, " is required and cannot be removed")};
        }
        if (!disabled_builtins_.emplace(name).second) {
            return Error{str_cat(name, " is already removed")};
        }
        return str_cat("built-in module ", name, " disabled for new sessions");
    }
    const auto it = std::find_if(modules_.begin(), modules_.end(), [name](const auto& m) { return m.module_name == name; });
    if (it == modules_.end()) {
        return Error{str_cat(name, " is not loaded")};
    }
    modules_.erase(it);
    return str_cat("module ", name, " unloaded for new sessions");
}

std::vector<std::string> ModuleSet::lsmod() const {
    std::vector<std::string> lines;
    for (const auto& builtin : builtin_modules()) {
        const bool off = disabled_builtins_.contains(builtin.table->name);
        lines.push_back(str_cat(builtin.table->name, " built-in", off ? " (disabled)" : ""));
    }
    for (const auto& module : modules_) {
        lines.push_back(str_cat(module.module_name, " shared ", module.path, " signed-by ",
                                module.signer.empty() ? std::string("none") : module.signer));
    }
    return lines;
}

std::vector<std::string> ModuleSet::disabled_commands() const {
    std::vector<std::string> verbs;
    for (const auto& name : disabled_builtins_) {
        if (const BuiltinModule* builtin = find_builtin(name)) {
            verbs.insert(verbs.end(), builtin->commands.begin(), builtin->commands.end());
        }
    }
    return verbs;
}

std::vector<int> ModuleSet::fds() const {
    std::vector<int> fds;
    for (const auto* list : {&libraries_, &modules_}) {
        for (const auto& object : *list) {
            fds.push_back(object.memfd.get());
        }
    }
    return fds;
}

}  // namespace ward::modules
