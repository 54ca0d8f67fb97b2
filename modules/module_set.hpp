#pragma once
// mod_dso for wardftpd: the verified set of shared modules and libraries a configuration loads, and the
// control actions on it (lsmod, insmod, rmmod). Built as root at each configuration load, before any
// session; `wardftpd -t` builds it too, so a refused module fails the check. Sessions forked later get
// the set as it is then: insmod and rmmod apply to new sessions only.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/load.hpp"
#include "config/model.hpp"
#include "modules/controls.hpp"
#include "modules/verifier.hpp"

namespace ward::modules {

// ProFTPD's default is $prefix/libexec.
inline constexpr std::string_view kDefaultModulePath = "/usr/local/libexec/wardftpd";

// LoadOptions::load_module for the parsers: accepts LoadModule and LoadFile while parsing (their names and
// paths are already validated); the files are verified after the whole file is read, by from_config, when
// ModulePath and every ModuleTrustedKey are known. Shared modules add no directives in ABI version 1.
[[nodiscard]] std::function<Result<std::vector<config::DirectiveSpec>>(const config::Directive&)> parse_time_loader();

// Why LoadModule name cannot load here, or nothing when its object in module_path (empty: the default) is a
// wardftpd module to verify: the object is not installed, or it is a ProFTPD module (no signature beside it and
// no wardftpd entry point: ProFTPD's ABI, which wardftpd cannot load). The parser warns with this reason and
// counts the module's <IfModule> sections as absent; from_config skips the same modules.
[[nodiscard]] std::optional<std::string> unavailable_module(std::string_view name, std::string_view module_path);
// LoadOptions::module_unavailable for the parsers: unavailable_module.
[[nodiscard]] std::function<std::optional<std::string>(const config::Directive&, std::string_view)>
parse_time_unavailable();

class ModuleSet {
public:
    ModuleSet() = default;
    // Reads ModulePath, ModuleTrustedKey, ModuleSignatureRequired, LoadFile, LoadModule, ModuleOrder and
    // ModuleControlsACLs from the server config context and verifies every file. Errors start with the
    // directive's location and name the file and the reason.
    [[nodiscard]] static Result<ModuleSet> from_config(const config::Config& config,
                                                       const TrustedOwners& owners = default_owners());

    // Control actions. Errors use ProFTPD's words where it has them ("Bad module name", "Already loaded").
    [[nodiscard]] Result<std::string> insmod(std::string_view name);
    [[nodiscard]] Result<std::string> rmmod(std::string_view name);
    [[nodiscard]] std::vector<std::string> lsmod() const;

    [[nodiscard]] const std::vector<VerifiedObject>& libraries() const noexcept { return libraries_; }
    [[nodiscard]] const std::vector<VerifiedObject>& modules() const noexcept { return modules_; }
    // FTP verbs of built-in modules that rmmod or ModuleOrder turned off.
    [[nodiscard]] std::vector<std::string> disabled_commands() const;
    [[nodiscard]] const std::vector<ControlRule>& control_rules() const noexcept { return control_rules_; }
    // Every memfd a session must keep open to hand to its worker.
    [[nodiscard]] std::vector<int> fds() const;

private:
    [[nodiscard]] bool loaded(std::string_view name) const;

    VerifyOptions verify_;
    std::string module_path_{kDefaultModulePath};
    std::vector<VerifiedObject> libraries_;
    std::vector<VerifiedObject> modules_;
    std::set<std::string, std::less<>> disabled_builtins_;
    std::vector<ControlRule> control_rules_;
};

}  // namespace ward::modules
