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

[[nodiscard]] std::optional<int> run_config_mode(const CommandLine& cli, std::string_view embedded_default);

}  // namespace ward::daemon
