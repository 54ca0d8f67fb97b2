#pragma once
// Loading a configuration: proftpd.conf or TOML text into the one validated model, and back out as either.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/limits.hpp"
#include "config/model.hpp"
#include "config/registry.hpp"

namespace ward::config {

// One file an Include names, already read (bounded by Limits::max_file_bytes).
struct IncludedFile {
    std::string path;  // canonical: the parser detects cycles by comparing these
    std::string text;
};
// Resolves an Include argument (an absolute path, a directory, or a glob) to the files it names, sorted by
// name as ProFTPD does. A glob that matches nothing gives an empty list.
using IncludeResolver =
    std::function<Result<std::vector<IncludedFile>>(std::string_view pattern, const Limits& limits)>;
// The filesystem resolver load_file uses by default.
[[nodiscard]] Result<std::vector<IncludedFile>> resolve_include_from_filesystem(std::string_view pattern,
                                                                               const Limits& limits);

struct LoadOptions {
    std::vector<std::string> defines;  // -D NAME, for <IfDefine>
    // mod_dso at parse time: called for LoadModule of a module that is not built in (and for LoadFile); returns
    // that module's directives, registered for the rest of this parse. Unset: such a LoadModule is an error.
    std::function<Result<std::vector<DirectiveSpec>>(const Directive&)> load_module;
    // Asked first for LoadModule of a module that is not built in, with the ModulePath set so far (empty: none):
    // a reason it cannot load here (not installed; a ProFTPD module) makes the LoadModule a warning naming it,
    // and the module's <IfModule> sections count as absent. Unset: every module is handed to load_module.
    std::function<std::optional<std::string>(const Directive& load, std::string_view module_path)> module_unavailable;
    Limits limits;
    // %{env:NAME}; unset: getenv(3). An unset variable is an error naming it.
    std::function<std::optional<std::string>(std::string_view name)> env;
    // Include; unset: resolve_include_from_filesystem.
    IncludeResolver include;
};

// A name ending in ".toml" is read as TOML, anything else as proftpd.conf.
[[nodiscard]] Result<Config> load_file(const std::string& path, const LoadOptions& options = {});
[[nodiscard]] Result<Config> parse_proftpd_text(std::string_view text, std::string_view name,
                                                const LoadOptions& options = {});
[[nodiscard]] Result<Config> parse_toml_text(std::string_view text, std::string_view name,
                                             const LoadOptions& options = {});

[[nodiscard]] std::string to_toml(const Config& config);
[[nodiscard]] std::string to_proftpd(const Config& config);

}  // namespace ward::config
