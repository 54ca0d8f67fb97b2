#pragma once
// wardftpd's command line, following ProFTPD's where the two overlap (shared/reference/cli.md).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace ward::daemon {

struct CommandLine {
    std::optional<std::string> config_file;  // -c; a name ending in .toml is read as TOML
    bool foreground = false;                 // -n
    bool quiet = false;                      // -q
    bool config_test = false;                // -t
    bool list_modules = false;               // -l
    bool show_settings = false;              // -V
    int version_level = 0;                   // -v, -vv
    bool no_fork = false;                    // -X
    bool help = false;                       // -h, --help
    int debug_level = 0;                     // -d 0..10
    std::vector<std::string> defines;        // -D NAME, for <IfDefine>
    std::optional<std::string> print_config;  // --print-config toml|proftpd
};

// argv without the program name. An error names the offending option.
[[nodiscard]] Result<CommandLine> parse_command_line(std::span<const char* const> args);
[[nodiscard]] std::string usage_text(std::string_view program);

}  // namespace ward::daemon
