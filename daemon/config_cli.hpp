#pragma once
// The configuration-only modes of wardftpd: -t (check and exit, ProFTPD's "Syntax OK") and --print-config
// toml|proftpd (convert). Both honour -D NAME for <IfDefine>.
#include <optional>
#include <string>
#include <string_view>

#include "daemon/cli.hpp"

namespace ward::daemon {

// The name the embedded default configuration goes by in messages.
inline constexpr std::string_view kEmbeddedConfigName = "(embedded default configuration)";

// The exit status when the command line asks for -t or --print-config, nothing otherwise. Without -c the
// embedded default configuration (proftpd.conf syntax) is what is checked or printed.
// "wardftpd: warning: <warning>\n", as -t and start-up both print a configuration warning on stderr.
[[nodiscard]] std::string warning_line(std::string_view warning);

// A relative -c path made absolute against the current directory (unchanged if it is absolute or the current
// directory is unknown), so the daemon reads the same file again on SIGHUP after daemonizing.
[[nodiscard]] std::string absolute_path(const std::string& path);

// embedded_state: the directory whose files start-up writes for the embedded default (not yet there at -t).
[[nodiscard]] std::optional<int> run_config_mode(const CommandLine& cli, std::string_view embedded_default,
                                                 std::string_view embedded_state = {});

}  // namespace ward::daemon
