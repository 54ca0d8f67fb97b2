#include "daemon/daemon_context.hpp"

#include "exec/exec_log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/values.hpp"
#include "daemon/config_check.hpp"
#include "daemon/log_files.hpp"
#include "daemon/tls/certificate_file.hpp"
#include "sandbox/policies.hpp"

namespace ward::daemon {
namespace {

constexpr const char* kRunDir = "/run/wardftpd";
constexpr const char* kEmptyDir = "/run/wardftpd/empty";

bool is_none(const config::Directive* d) { return d == nullptr || config::is_none(d->args.at(0)); }

// The pre-auth worker's root: an empty directory only root can change.
Result<std::string> prepare_empty_dir() {
    for (const char* dir : {kRunDir, kEmptyDir}) {
        if (::mkdir(dir, 0755) != 0 && errno != EEXIST) {
            return sys::errno_error(str_cat("mkdir ", dir));
        }
    }
    if (::chmod(kEmptyDir, 0555) != 0) {
        return sys::errno_error(str_cat("chmod ", kEmptyDir));
    }
    struct stat st {};
    if (::lstat(kEmptyDir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 || st.st_nlink != 2) {
        return Error{str_cat(kEmptyDir, " must be an empty directory owned by root")};
    }
    return std::string(kEmptyDir);
}

// mod_exec: the settings, and ExecLog opened now, as root, with ProFTPD's checks.
Result<void> prepare_exec(ServerRuntime& runtime) {
    runtime.exec = exec::exec_settings(*runtime.server);
    if (runtime.exec.log_path.empty()) {
        return {};
    }
    auto fd = exec::open_exec_log(runtime.exec.log_path);
    if (!fd) {
        const config::Directive* where = runtime.server->get("ExecLog");
        return Error{str_cat(to_string(where->where), ": ", fd.error().message)};
    }
    runtime.exec_log = std::move(*fd);
    return {};
}

// mod_tls: the settings, and with TLSEngine on the key process, started now: before any listener accepts,
// so no process that has read a client's bytes is its parent's copy. One key per server (the key process
// holds one): check_configuration refuses a server naming both an RSA and an EC certificate.
Result<void> prepare_tls(ServerRuntime& runtime) {
    auto settings = tls::settings_for(*runtime.server);
    if (!settings) {
        return std::move(settings).error();
    }
    runtime.tls = std::move(*settings);
    if (!runtime.tls.engine) {
        return {};
    }
    const tls::KeyFiles& files = runtime.tls.rsa ? *runtime.tls.rsa : *runtime.tls.ec;
    auto started = master::KeyProcess::start(files.certificate, files.key);
    if (!started) {
        return Error{str_cat("TLS key process: ", started.error().message)};
    }
    runtime.key_process = std::make_shared<master::KeyProcess>(std::move(*started));
    auto leaf = tls::read_certificates(files.certificate, "certificate");
    if (!leaf) {
        return std::move(leaf).error();
    }
    runtime.certificates.push_back(std::move(leaf->front()));
    if (!runtime.tls.chain_file.empty()) {
        auto chain = tls::read_certificates(runtime.tls.chain_file, "chain file");
        if (!chain) {
            return std::move(chain).error();
        }
        std::move(chain->begin(), chain->end(), std::back_inserter(runtime.certificates));
    }
    return {};
}

Result<void> open_transfer_logs(ServerRuntime& runtime) {
    const config::Server& server = *runtime.server;
    if (const config::Directive* log = server.get("TransferLog"); !is_none(log)) {
        auto fd = open_log_file(log->args.at(0));
        if (!fd) {
            return Error{str_cat(to_string(log->where), ": TransferLog: ", fd.error().message)};
        }
        runtime.transfer_log = std::move(*fd);
    }
    for (const auto& child : server.context().children) {
        if (child.kind != config::ContextKind::anonymous) {
            continue;
        }
        const config::Directive* log = child.find("TransferLog");
        if (log == nullptr) {
            continue;
        }
        UniqueFd fd;
        if (!is_none(log)) {
            auto opened = open_log_file(log->args.at(0));
            if (!opened) {
                return Error{str_cat(to_string(log->where), ": TransferLog: ", opened.error().message)};
            }
            fd = std::move(*opened);
        }
        runtime.anon_transfer_logs.emplace(&child, std::move(fd));
    }
    return {};
}

// mod_sql: SQLLog's commands join the worker's hook interest (the monitor writes the rows when the worker
// reports the command), and SQLLogFile is opened like the other logs.
Result<void> prepare_sql(ServerRuntime& runtime, std::shared_ptr<const sql::Settings> settings) {
    runtime.sql = std::move(settings);
    if (!runtime.sql) {
        return {};
    }
    for (const auto& rule : runtime.sql->log_rules) {
        std::string list;
        for (const auto& command : rule.commands) {
            list += str_cat(list.empty() ? "" : ",", command == "*" ? "ALL" : command);
        }
        runtime.hooks.add_list(rule.on_error ? exec::HookPoint::on_error : exec::HookPoint::on_command, list);
    }
    if (!runtime.sql->log_file.empty()) {
        auto fd = open_log_file(runtime.sql->log_file);
        if (!fd) {
            return Error{str_cat("SQLLogFile ", runtime.sql->log_file, ": ", fd.error().message)};
        }
        runtime.sql_log = std::move(*fd);
    }
    return {};
}

Result<sandbox::CompiledPolicy> compile(const sandbox::PolicyBuilder& builder) {
    auto compiled = builder.compile();
    if (!compiled) {
        return Error{str_cat("seccomp policy ", builder.name(), ": ", compiled.error().message)};
    }
    return compiled;
}

}  // namespace

int ServerRuntime::transfer_log_for(const config::Context* anon) const {
    if (anon != nullptr) {
        const auto it = anon_transfer_logs.find(anon);
        if (it != anon_transfer_logs.end()) {
            return it->second.get();
        }
    }
    return transfer_log.get();
}

const ServerRuntime& DaemonContext::runtime_for(const config::Server& server) const {
    for (const auto& r : runtime) {
        if (r.server == &server) {
            return r;
        }
    }
    return runtime.front();  // every Server of `servers` has an entry; the main one is first
}

Result<std::shared_ptr<DaemonContext>> prepare_context(std::shared_ptr<const config::Config> config) {
    auto servers = config::ServerSet::build(std::move(config));
    if (!servers) {
        return std::move(servers).error();
    }
    auto master = compile(sandbox::policies::master());
    auto monitor = compile(sandbox::policies::monitor());
    auto preauth = compile(sandbox::policies::worker_preauth());
    auto postauth = compile(sandbox::policies::worker_postauth());
    auto hook = compile(sandbox::policies::hook());
    auto hook_strict = compile(sandbox::policies::hook({.strict = true}));
    auto sql_helper = compile(sandbox::policies::sql_helper());
    auto pam_helper = compile(sandbox::policies::pam_helper());
    for (auto* compiled : {&master, &monitor, &preauth, &postauth, &hook, &hook_strict, &sql_helper, &pam_helper}) {
        if (!*compiled) {
            return std::move(*compiled).error();
        }
    }
    auto checked = check_configuration(*servers);  // what -t checks, with the same messages
    if (!checked) {
        return std::move(checked).error();
    }
    auto context = std::make_shared<DaemonContext>(Policies{*master, *monitor, *preauth, *postauth, *hook, *hook_strict,
                                                                     *sql_helper, *pam_helper});
    context->servers = std::make_shared<const config::ServerSet>(std::move(*servers));
    context->privileged = ::geteuid() == 0;
    context->warnings = checked->warnings;
    context->confinement = checked->confinement;
    if (auto made = create_runtime_dirs(checked->runtime_dirs); !made) {
        return std::move(made).error();
    }
    if (context->privileged) {
        auto empty = prepare_empty_dir();
        if (!empty) {
            return std::move(empty).error();
        }
        context->empty_dir = std::move(*empty);
    }
    const config::Server& main = context->servers->servers().front();
    if (const config::Directive* log = main.get("SystemLog"); !is_none(log)) {
        auto fd = open_log_file(log->args.at(0));
        if (!fd) {
            return Error{str_cat(to_string(log->where), ": SystemLog: ", fd.error().message)};
        }
        context->system_log = std::move(*fd);
    }

    std::vector<auth::AuthSettings> name_sources;
    const auto& servers_list = context->servers->servers();
    for (std::size_t i = 0; i < servers_list.size(); ++i) {
        const config::Server& server = servers_list[i];
        ServerRuntime runtime;
        runtime.server = &server;
        runtime.login_rules = std::make_unique<monitor::ConfigLoginRules>(server);
        runtime.hooks = hook_interest(context->servers->config().root, server);
        // Unprivileged, every session keeps the daemon's own uid.
        runtime.preauth_uid = context->privileged ? checked->identities[i].uid : ::getuid();
        runtime.preauth_gid = context->privileged ? checked->identities[i].gid : ::getgid();
        if (auto done = open_transfer_logs(runtime); !done) {
            return std::move(done).error();
        }
        if (auto done = prepare_exec(runtime); !done) {
            return std::move(done).error();
        }
        runtime.session_caps = checked->session_caps[i];
        runtime.proxy = checked->proxy[i];
        if (auto done = prepare_tls(runtime); !done) {
            return std::move(done).error();
        }
        if (auto done = prepare_sql(runtime, checked->sql[i]); !done) {
            return std::move(done).error();
        }
        name_sources.push_back(runtime.login_rules->auth_settings());
        context->runtime.push_back(std::move(runtime));
    }
    context->names = NameTable::load(name_sources);
    auto module_set = ward::modules::ModuleSet::from_config(context->servers->config());
    if (!module_set) {
        return std::move(module_set).error();
    }
    context->modules = std::move(*module_set);
    return context;
}

Result<sandbox::CapabilitySet> server_session_capabilities(const config::Server& server) {
    sandbox::CapabilitiesDirectives directives;
    if (const config::Directive* engine = server.get("CapabilitiesEngine")) {
        directives.engine = config::as_bool(*engine);
    }
    for (const config::Directive* line : server.get_all("CapabilitiesSet")) {
        std::vector<std::string_view> args(line->args.begin(), line->args.end());
        auto parsed = sandbox::parse_capabilities_set(args);
        if (!parsed) {
            return Error{str_cat(to_string(line->where), ": ", parsed.error().message)};  // it names CapabilitiesSet
        }
        directives.set_lines.push_back(*parsed);
    }
    return sandbox::session_capabilities(directives);
}

}  // namespace ward::daemon
