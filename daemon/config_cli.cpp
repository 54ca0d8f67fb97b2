#include "daemon/config_cli.hpp"

#include <memory>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/load.hpp"
#include "config/server.hpp"
#include "modules/module_set.hpp"

namespace ward::daemon {
namespace {

void out(std::string_view text) { (void)sys::write_all(1, text); }
void err(std::string_view text) { (void)sys::write_all(2, text); }

Result<config::Config> load(const CommandLine& cli, std::string_view embedded_default) {
    config::LoadOptions options;
    options.defines = cli.defines;
    options.load_module = modules::parse_time_loader();
    if (cli.config_file) {
        return config::load_file(*cli.config_file, options);
    }
    return config::parse_proftpd_text(embedded_default, kEmbeddedConfigName, options);
}

}  // namespace

std::optional<int> run_config_mode(const CommandLine& cli, std::string_view embedded_default) {
    if (!cli.config_test && !cli.print_config) {
        return std::nullopt;
    }
    const std::string name = cli.config_file ? *cli.config_file : std::string(kEmbeddedConfigName);
    if (cli.config_test && !cli.print_config) {
        out(str_cat("Checking syntax of configuration file ", name, "\n"));
    }
    auto loaded = load(cli, embedded_default);
    if (!loaded) {
        err(str_cat("wardftpd: ", loaded.error().message, "\n"));
        return 1;
    }
    auto shared = std::make_shared<const config::Config>(std::move(*loaded));
    auto servers = config::ServerSet::build(shared);
    if (!servers) {
        err(str_cat("wardftpd: ", servers.error().message, "\n"));
        return 1;
    }
    if (cli.print_config) {
        out(*cli.print_config == "toml" ? config::to_toml(*shared) : config::to_proftpd(*shared));
        return 0;
    }
    // mod_dso: every LoadModule and LoadFile is opened, checked and verified, so a refused module fails -t.
    if (auto verified = modules::ModuleSet::from_config(*shared); !verified) {
        err(str_cat("wardftpd: ", verified.error().message, "\n"));
        return 1;
    }
    out("Syntax OK\n");
    return 0;
}

}  // namespace ward::daemon
