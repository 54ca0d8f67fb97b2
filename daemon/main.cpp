// wardftpd: entry point. Parses the command line and starts the requested mode.
#include <exception>
#include <span>
#include <string>

#include "base/log.hpp"
#include "base/sys.hpp"
#include "base/version.hpp"
#include "daemon/cli.hpp"
#include "daemon/config_cli.hpp"
#include "daemon/minimal_server.hpp"

namespace {

constexpr int kUsageError = 2;

void out(std::string_view text) { (void)ward::sys::write_all(1, text); }
void err(std::string_view text) { (void)ward::sys::write_all(2, text); }

std::string settings_text() {
    return ward::str_cat("wardftpd ", ward::kVersion, "\n", "  Build: ", ward::kBuildCompiler, ", ",
                         ward::kBuildType, "\n",
#ifdef WARD_SANITIZER_BUILD
                         "  + AddressSanitizer and UndefinedBehaviorSanitizer\n",
#endif
                         "  + IPv6 support\n", "  + Sendfile support\n");
}

int run(std::span<const char* const> args) {
    auto cli = ward::daemon::parse_command_line(args);
    if (!cli) {
        err(ward::str_cat("wardftpd: ", cli.error().message, "\n"));
        return kUsageError;
    }
    if (cli->help) {
        out(ward::daemon::usage_text("wardftpd"));
        return 0;
    }
    if (cli->version_level > 0) {
        out(ward::str_cat("wardftpd ", ward::kVersion, "\n"));
        return 0;
    }
    if (cli->show_settings) {
        out(settings_text());
        return 0;
    }
    if (cli->list_modules) {
        out("Compiled-in modules:\n  mod_core.c\n");
        return 0;
    }
    // The embedded default configuration is empty until daemon/default_config.hpp supplies its text.
    if (const auto status = ward::daemon::run_config_mode(*cli, ""); status) {
        return *status;
    }
    ward::log::set_debug_level(cli->debug_level);
    ward::log::set_role("master");
    if (cli->quiet) {
        ward::log::set_sink({ward::log::Sink::Kind::none, -1});
    }
    const ward::daemon::MinimalServerOptions options;
    if (!cli->quiet) {
        err(ward::str_cat("wardftpd ", ward::kVersion, ": serving on ", options.address, ":", options.port,
                          " with the embedded default configuration.\nConnect with:  curl ftp://", options.address,
                          ":", options.port, "/   (Ctrl-C stops the server)\n"));
    }
    return ward::daemon::run_minimal_server(options);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc > 0 ? argc - 1 : 0)));
    } catch (const std::exception& e) {
        err(ward::str_cat("wardftpd: fatal: ", e.what(), "\n"));
    } catch (...) {
        err("wardftpd: fatal: unknown exception\n");
    }
    return 1;
}
