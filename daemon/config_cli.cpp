#include "daemon/config_cli.hpp"

#include <unistd.h>

#include <climits>
#include <memory>
#include <string>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/load.hpp"
#include "config/server.hpp"
#include "config/syntax.hpp"
#include "daemon/config_check.hpp"
#include "daemon/tls/ktls.hpp"
#include "daemon/daemon_context.hpp"
#include "modules/module_set.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/review.hpp"

namespace ward::daemon {
namespace {

void out(std::string_view text) { (void)sys::write_all(1, text); }
void err(std::string_view text) { (void)sys::write_all(2, text); }

Result<config::Config> load(const CommandLine& cli, std::string_view embedded_default) {
    config::LoadOptions options;
    options.defines = cli.defines;
    options.load_module = modules::parse_time_loader();
    options.module_unavailable = modules::parse_time_unavailable();
    if (cli.config_file) {
        return config::load_file(*cli.config_file, options);
    }
    return config::parse_proftpd_text(embedded_default, kEmbeddedConfigName, options);
}

// -t -d 5: what each process role may do under this configuration, as a reviewer reads it.
void print_roles(const config::ServerSet& servers) {
    out("\nProcess roles:\n");
    out("  master: root (or the launching user); after start-up the union of the session monitors' sets below\n");
    for (const auto& server : servers.servers()) {
        const config::Directive* name = server.get("ServerName");
        auto caps = server_session_capabilities(server);
        if (!caps) {
            err(str_cat("wardftpd: ", caps.error().message, "\n"));
            continue;
        }
        const auto monitor = sandbox::monitor_capabilities(*caps);
        out(str_cat("  session monitor (", name == nullptr ? std::string("main server") : name->args.at(0), ", port ",
                    server.port(), "): CapEff ", monitor.hex(), " = ", monitor.names(), "\n"));
    }
    out("  workers (before and after login) and hooks: no capabilities, no_new_privs\n\n");
    for (const auto& block : sandbox::review_blocks()) {
        out(str_cat("[", block.id, "]\n", block.text, "\n"));
    }
}

// mod_tls's files checked (master/tls_files.hpp): "2 TLS file(s) (A; B); ", or nothing without TLS.
std::string tls_summary(const std::vector<std::string>& files) {
    if (files.empty()) {
        return {};
    }
    std::string text = str_cat(files.size(), " TLS file(s) (");
    for (std::size_t i = 0; i < files.size(); ++i) {
        text += str_cat(i == 0 ? "" : "; ", files[i]);
    }
    return text + "); ";
}

// The last line of -t: what was verified beyond the syntax, so an admin sees the checks ran.
std::string summary(const config::ServerSet& servers, const CheckedConfig& checked, const modules::ModuleSet& set) {
    const auto keys = servers.config().root.find_all("ModuleTrustedKey").size();
    return str_cat("Verified: ", servers.servers().size(), " server(s) and their User/Group; ", set.modules().size(),
                   " module(s) and ", set.libraries().size(), " library(ies) against ", keys,
                   " trusted key(s); ", checked.hooks_checked, " hook program(s) for the identity each runs as; ",
                   checked.files_checked, " account file(s); ", tls_summary(checked.tls_files),
                   "log and socket directories\n");
}

}  // namespace

std::string absolute_path(const std::string& path) {
    if (path.empty() || path.front() == '/') {
        return path;
    }
    std::string cwd(PATH_MAX, '\0');
    if (::getcwd(cwd.data(), cwd.size()) == nullptr) {
        return path;
    }
    cwd.resize(std::char_traits<char>::length(cwd.c_str()));
    return str_cat(cwd, cwd.ends_with('/') ? "" : "/", path);
}

std::string warning_line(std::string_view warning) { return str_cat("wardftpd: warning: ", warning, "\n"); }

std::optional<int> run_config_mode(const CommandLine& cli, std::string_view embedded_default,
                                   std::string_view embedded_state) {
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
        // The file as written (comments, includes, both branches of every conditional), once it loads.
        config::LoadOptions options;
        auto tree = cli.config_file ? config::read_syntax_file(*cli.config_file, options)
                                    : config::parse_proftpd_syntax(embedded_default, name, options);
        if (!tree) {
            err(str_cat("wardftpd: ", tree.error().message, "\n"));
            return 1;
        }
        out(*cli.print_config == "toml" ? config::to_toml(*tree) : config::to_proftpd(*tree));
        return 0;
    }
    // The checks start-up runs before it opens anything, with the same messages (daemon/config_check.hpp).
    auto checked = check_configuration(*servers, cli.config_file ? std::string_view() : embedded_state);
    if (!checked) {
        err(str_cat("wardftpd: ", checked.error().message, "\n"));
        return 1;
    }
    // mod_dso: every LoadModule and LoadFile is opened, checked and verified, so a refused module fails -t.
    auto verified = modules::ModuleSet::from_config(*shared);
    if (!verified) {
        err(str_cat("wardftpd: ", verified.error().message, "\n"));
        return 1;
    }
    for (const auto& warning : checked->warnings) {
        err(warning_line(warning));
    }
    out("Syntax OK\n");
    // Start-up logs the same lines (daemon/main.cpp): which confinement each role gets on this kernel.
    for (const auto& line : checked->confinement) {
        err(str_cat("wardftpd: confinement: ", line, "\n"));
    }
    err(str_cat("wardftpd: ", tls::ktls_report(tls::detect_ktls()), "\n"));  // start-up logs it too
    out(summary(*servers, *checked, *verified));
    if (cli.debug_level >= 5) {
        print_roles(*servers);
    }
    return 0;
}

}  // namespace ward::daemon
