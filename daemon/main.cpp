// wardftpd: entry point. Parses the command line, loads the configuration, and runs the master.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>
#include <exception>
#include <span>
#include <string>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/sys.hpp"
#include "base/version.hpp"
#include "config/load.hpp"
#include "config/registry.hpp"
#include "daemon/cli.hpp"
#include "daemon/config_cli.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/inetd_session.hpp"
#include "daemon/default_config.hpp"
#include "daemon/master/master.hpp"
#include "daemon/service_notify.hpp"
#include "daemon/tls/ktls.hpp"
#include "modules/builtin.hpp"
#include "modules/module_set.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/policies.hpp"

namespace {

using ward::str_cat;
constexpr int kUsageError = 2;
constexpr int kStartupError = 1;

void out(std::string_view text) { (void)ward::sys::write_all(1, text); }
void err(std::string_view text) { (void)ward::sys::write_all(2, text); }

std::string settings_text() {
    return str_cat("wardftpd ", ward::kVersion, "\n", "  Build: ", ward::kBuildCompiler, ", ", ward::kBuildType, "\n",
#ifdef WARD_SANITIZER_BUILD
                   "  + AddressSanitizer and UndefinedBehaviorSanitizer\n",
#endif
                   "  + IPv6 support\n", "  + Sendfile support\n", "  + Privilege separation (monitor and worker)\n",
                   "  + seccomp, Landlock (ABI ", ward::sandbox::landlock_abi(), " on this kernel), capabilities\n",
                   "  + ", ward::tls::ktls_report(ward::tls::detect_ktls()), "\n");
}

std::string modules_text() {
    std::string text = "Compiled-in modules:\n";
    for (const auto& module : ward::modules::builtin_modules()) {  // the same table shape a shared module exports
        text += str_cat("  ", module.table->name, "\n");
    }
    return text;
}

// Where the configuration comes from, so SIGHUP can read it again the same way.
struct ConfigSource {
    std::string path;           // -c, or empty for the embedded default
    std::string embedded_text;  // the default, generated once at start-up
    ward::config::LoadOptions options;

    [[nodiscard]] ward::Result<ward::config::Config> load() const {
        if (!path.empty()) {
            return ward::config::load_file(path, options);
        }
        return ward::config::parse_proftpd_text(embedded_text, ward::daemon::kEmbeddedConfigName, options);
    }
    [[nodiscard]] ward::Result<std::shared_ptr<ward::daemon::DaemonContext>> prepare() const {
        auto config = load();
        if (!config) {
            return std::move(config).error();
        }
        return ward::daemon::prepare_context(std::make_shared<const ward::config::Config>(std::move(*config)));
    }
};

std::string protections(const ward::daemon::DaemonContext& context) {
    const int abi = ward::sandbox::landlock_abi();
    const std::string landlock = abi > 0 ? str_cat("Landlock ABI ", abi) : std::string("no Landlock (kernel lacks it)");
    if (context.privileged) {
        return str_cat("protections: pre-auth workers as an unprivileged user in an empty chroot; post-auth workers "
                       "as the logged-in user (chroot to DefaultRoot); workers hold no capabilities; "
                       "monitors hold only their set; no_new_privs; ", landlock,
                       "; seccomp (workers: allow-lists, monitors: deny-list)");
    }
    return str_cat("protections: running unprivileged (uid ", ::getuid(),
                   "): every session keeps this uid, so only virtual users make sense; no chroot, DefaultRoot "
                   "is enforced by Landlock and RESOLVE_IN_ROOT; no capabilities; no_new_privs; ",
                   landlock, "; seccomp (workers: allow-lists, monitors: deny-list)");
}

// syslog(3) without libc's syslog state: a datagram socket to /dev/log, connected once, before any chroot.
int open_syslog() {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, "/dev/log", sizeof addr.sun_path - 1);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        return fd;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return -1;
}

// Detaches from the terminal; the parent exits once the child reports it is serving (or why it is not).
struct Detached {
    int ready_fd = -1;  // the child writes "OK\n" or the error here
};

int wait_for_child(int read_fd) {
    std::string message;
    char buf[512];
    ssize_t n = 0;
    while ((n = ::read(read_fd, buf, sizeof buf)) > 0) {
        message.append(buf, static_cast<std::size_t>(n));
    }
    if (message == "OK\n") {
        return 0;
    }
    err(message.empty() ? std::string_view("wardftpd: the daemon exited during start-up\n") : std::string_view(message));
    return kStartupError;
}

ward::Result<Detached> detach() {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return ward::sys::errno_error("pipe");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        return ward::sys::errno_error("fork");
    }
    if (pid > 0) {
        ::close(pipe_fds[1]);
        ::_exit(wait_for_child(pipe_fds[0]));
    }
    ::close(pipe_fds[0]);
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) {
            ::close(null);
        }
    }
    if (::chdir("/") != 0) {
        return ward::sys::errno_error("chdir /");
    }
    return Detached{pipe_fds[1]};
}

void report_ready(int ready_fd, std::string_view message) {
    if (ready_fd >= 0) {
        (void)ward::sys::write_all(ready_fd, message);
        ::close(ready_fd);
    }
}

ward::Result<void> write_pid_file(const std::string& path) {
    auto fd = ward::sys::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (!fd) {
        return std::move(fd).error();
    }
    return ward::sys::write_all(fd->get(), str_cat(::getpid(), "\n"));
}

// SystemLog reopens on SIGHUP: the new configuration's freshly opened file replaces the old one on the same
// descriptor number (dup3), so the log sink and everything that kept it stays valid (logrotate renames the file,
// `systemctl reload` or kill -HUP, and lines go to the new file).
void reopen_system_log(int log_fd, const ward::daemon::DaemonContext& fresh) {
    if (log_fd >= 0 && fresh.system_log.valid() && ::dup3(fresh.system_log.get(), log_fd, O_CLOEXEC) < 0) {
        ward::log::error("SystemLog: cannot reopen: ", std::strerror(errno));
    }
}

int serve(const ward::daemon::CommandLine& cli, ConfigSource source, const std::string& banner) {
    auto notifier = ward::daemon::ServiceNotifier::from_environment();
    if (!notifier) {
        err(str_cat("wardftpd: ", notifier.error().message, "\n"));
        return kStartupError;
    }
    auto context = source.prepare();
    if (!context) {
        err(str_cat("wardftpd: ", context.error().message, "\n"));
        return kStartupError;
    }
    if (ward::daemon::inetd_mode(*(*context)->servers)) {  // one session on stdin, no master
        return ward::daemon::serve_inetd(*context, open_syslog);
    }
    for (const auto& warning : (*context)->warnings) {  // what -t printed, before detaching from the terminal
        err(ward::daemon::warning_line(warning));
    }
    const bool foreground = cli.foreground;
    Detached detached;
    if (!foreground) {
        auto d = detach();
        if (!d) {
            err(str_cat("wardftpd: ", d.error().message, "\n"));
            return kStartupError;
        }
        detached = *d;
    }
    // The log: SystemLog if set, else stderr in the foreground, else syslog.
    ward::UniqueFd system_log;
    if ((*context)->system_log.valid()) {
        system_log.reset(::fcntl((*context)->system_log.get(), F_DUPFD_CLOEXEC, 3));
        ward::log::set_sink({ward::log::Sink::Kind::file, system_log.get()});
    } else if (!foreground) {
        const int fd = open_syslog();
        ward::log::set_sink(fd >= 0 ? ward::log::Sink{ward::log::Sink::Kind::syslog, fd}
                                    : ward::log::Sink{ward::log::Sink::Kind::none, -1});
    }
    ward::log::prepare_for_confinement();
    if ((*context)->system_log.valid() || !foreground) {  // and in the log, where stderr is not the log
        for (const auto& warning : (*context)->warnings) {
            ward::log::warning(warning);
        }
    }

    boost::asio::io_context io;
    ward::master::MasterOptions options;
    options.reload = [&source, &io, &notifier, log_fd = system_log.get()] {
        (void)notifier->reloading();
        auto fresh = source.prepare();
        if (fresh) {
            for (const auto& warning : (*fresh)->warnings) {
                ward::log::warning(warning);
            }
            reopen_system_log(log_fd, **fresh);
        }
        // READY=1 once the master has applied (or refused) the new configuration: after this handler returns.
        boost::asio::post(io, [&notifier] { (void)notifier->ready("serving"); });
        return fresh;
    };
    options.single_session = cli.no_fork;
    ward::master::Master master(io, *context, options);
    if (auto listening = master.listen(); !listening) {
        const std::string message = str_cat("wardftpd: ", listening.error().message, "\n");
        ward::log::error(listening.error().message);
        if (foreground) {
            err(message);
        }
        report_ready(detached.ready_fd, message);
        return kStartupError;
    }
    const ward::config::Server& main_server = master.context().servers->servers().front();
    std::string pid_file;
    if (const ward::config::Directive* pid = main_server.get("PidFile")) {
        pid_file = pid->args.at(0);
        if (auto written = write_pid_file(pid_file); !written) {
            const std::string message = str_cat("wardftpd: PidFile: ", written.error().message, "\n");
            report_ready(detached.ready_fd, message);
            if (foreground) {
                err(message);
            }
            return kStartupError;
        }
    }
    const std::string kernel_tls = ward::tls::ktls_report(ward::tls::detect_ktls());  // probed before confinement
    if (auto confined = master.confine(); !confined) {
        const std::string message = str_cat("wardftpd: ", confined.error().message, "\n");
        ward::log::error(confined.error().message);
        report_ready(detached.ready_fd, message);
        if (foreground) {
            err(message);
        }
        return kStartupError;
    }
    for (const auto& line : master.context().confinement) {  // the lines -t prints (daemon/config_check.hpp)
        ward::log::notice("confinement: ", line);
    }
    ward::log::notice(kernel_tls);  // the line -V and -t print
    std::string where;
    for (const auto& point : master.listening()) {
        where += str_cat(where.empty() ? "" : ", ", point.address, " port ", point.port);
    }
    ward::log::notice("wardftpd ", ward::kVersion, " (", master.context().servers->config().source, ") listening on ",
                      where);
    ward::log::notice(protections(master.context()));
    if (foreground && !cli.quiet && !banner.empty()) {
        err(str_cat("wardftpd ", ward::kVersion, ": ", banner));
    }
    report_ready(detached.ready_fd, "OK\n");
    // The ports and the control socket are open (listen() above): connections queue until accept starts.
    if (auto sent = notifier->ready(str_cat("listening on ", where)); !sent) {
        ward::log::warning(sent.error().message);
    }

    master.start();
    io.run();
    (void)notifier->stopping();
    if (!pid_file.empty()) {
        (void)::unlink(pid_file.c_str());
    }
    ward::log::notice("shut down");
    return 0;
}

int run(std::span<const char* const> args) {
    auto cli = ward::daemon::parse_command_line(args);
    if (!cli) {
        err(str_cat("wardftpd: ", cli.error().message, "\n"));
        return kUsageError;
    }
    if (cli->help) {
        out(ward::daemon::usage_text("wardftpd"));
        return 0;
    }
    if (cli->version_level > 0) {
        out(str_cat("wardftpd ", ward::kVersion, "\n"));
        return 0;
    }
    if (cli->show_settings) {
        out(settings_text());
        return 0;
    }
    if (cli->list_modules) {
        out(modules_text());
        return 0;
    }
    ward::log::set_debug_level(cli->debug_level);
    ward::log::set_role("master");
    if (cli->quiet) {
        ward::log::set_sink({ward::log::Sink::Kind::none, -1});
    }

    ConfigSource source;
    source.options.defines = cli->defines;
    source.options.load_module = ward::modules::parse_time_loader();
    source.options.module_unavailable = ward::modules::parse_time_unavailable();
    std::string banner;
    std::string embedded_state;
    if (cli->config_file) {
        // Absolute, so SIGHUP finds the file after detach() changed the directory to /.
        source.path = ward::daemon::absolute_path(*cli->config_file);
    } else {
        const bool checking = cli->config_test || cli->print_config.has_value();
        auto setup = ward::daemon::prepare_default_setup(!checking);
        if (!setup) {
            err(str_cat("wardftpd: embedded default configuration: ", setup.error().message, "\n"));
            return kStartupError;
        }
        source.embedded_text = setup->config_text;
        embedded_state = setup->state_dir;
        banner = setup->banner;
    }
    if (const auto status = ward::daemon::run_config_mode(*cli, source.embedded_text, embedded_state); status) {
        return *status;
    }
    return serve(*cli, std::move(source), banner);
}

}  // namespace

int main(int argc, char** argv) {
    ward::signals::reset_all();
    try {
        return run(std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc > 0 ? argc - 1 : 0)));
    } catch (const std::exception& e) {
        err(str_cat("wardftpd: fatal: ", e.what(), "\n"));
    } catch (...) {
        err("wardftpd: fatal: unknown exception\n");
    }
    return kStartupError;
}
