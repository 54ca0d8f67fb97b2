#include "daemon/session_config.hpp"

#include <unistd.h>

#include <algorithm>

#include "base/strings.hpp"
#include "base/version.hpp"
#include "config/command_groups.hpp"
#include "config/values.hpp"
#include "daemon/auth/system_users.hpp"

namespace ward::daemon {
namespace {

using config::Directive;

bool flag(const Directive* d, bool fallback) { return d != nullptr ? config::as_bool(*d) : fallback; }

std::chrono::seconds seconds(const Directive* d, std::chrono::seconds fallback) {
    return d != nullptr ? config::as_seconds(*d) : fallback;
}

// ListOptions "-opts" [strict] [maxdepth N] [maxfiles N] [maxdirs N] [LISTOnly] [NLSTOnly] [NoErrorIfAbsent]
// [SortedNLST] (NLST is always sorted here). The registry has checked the words and numbers.
ftp::ListRules list_rules(const Directive& d) {
    ftp::ListRules rules;
    rules.options = d.args.at(0);
    for (std::size_t i = 1; i < d.args.size(); ++i) {
        const std::string& word = d.args[i];
        const auto count = [&] {
            ++i;
            return i < d.args.size() ? parse_unsigned<unsigned>(d.args[i]).value_or(1U) : 1U;
        };
        if (iequals(word, "strict")) {
            rules.strict = true;
        } else if (iequals(word, "maxdepth")) {
            rules.max_depth = count();
        } else if (iequals(word, "maxfiles")) {
            rules.max_files = count();
        } else if (iequals(word, "maxdirs")) {
            rules.max_dirs = count();
        } else if (iequals(word, "LISTOnly")) {
            rules.list_only = true;
        } else if (iequals(word, "NLSTOnly")) {
            rules.nlst_only = true;
        } else if (iequals(word, "NoErrorIfAbsent")) {
            rules.no_error_if_absent = true;
        }
    }
    return rules;
}

class ConfigAccessPolicy final : public ftp::AccessPolicy {
public:
    ConfigAccessPolicy(const config::Server& server, const config::Context* anon, std::string home,
                       config::Principal who)
        : server_(server), anon_(anon), home_(std::move(home)), who_(std::move(who)) {}

    [[nodiscard]] bool allowed(std::string_view command, std::string_view real_path) const override {
        return server_.allowed(command, real_path, anon_, home_, who_);
    }

    [[nodiscard]] ftp::PathRules rules_for(std::string_view real_path) const override {
        ftp::PathRules rules;
        const auto get = [&](std::string_view name) { return server_.get_for_path(name, real_path, anon_, home_); };
        rules.allow_overwrite = flag(get("AllowOverwrite"), rules.allow_overwrite);
        rules.allow_store_restart = flag(get("AllowStoreRestart"), rules.allow_store_restart);
        rules.allow_retrieve_restart = flag(get("AllowRetrieveRestart"), rules.allow_retrieve_restart);
        if (const Directive* hidden = get("HiddenStores")) {
            auto value = config::as_hidden_stores(*hidden, ::getpid());
            rules.hidden_stores = value.enabled;
            rules.hidden_stores_prefix = std::move(value.prefix);
            rules.hidden_stores_suffix = std::move(value.suffix);
        }
        if (const Directive* umask = get("Umask")) {
            const auto value = config::as_umask(*umask);
            rules.umask = value.files;
            rules.dir_umask = value.directories;
        }
        if (const Directive* list = get("ListOptions")) {
            rules.list = list_rules(*list);
        }
        return rules;
    }

private:
    const config::Server& server_;
    const config::Context* anon_;
    std::string home_;
    config::Principal who_;
};

// Every directive called `name` in a server's own contexts (and <Global>), however deeply nested.
void collect(const config::Context& context, std::string_view name, std::vector<const Directive*>& out) {
    for (const auto* d : context.find_all(name)) {
        out.push_back(d);
    }
    for (const auto& child : context.children) {
        if (child.kind != config::ContextKind::virtual_host) {
            collect(child, name, out);
        }
    }
}

std::vector<const Directive*> everywhere(const config::Context& root, const config::Server& server,
                                        std::string_view name) {
    std::vector<const Directive*> out;
    collect(server.context(), name, out);
    if (!server.is_main()) {
        // <Global> sits under the root context, beside the virtual hosts.
        for (const auto& child : root.children) {
            if (child.kind == config::ContextKind::global) {
                collect(child, name, out);
            }
        }
    }
    return out;
}

}  // namespace

const Directive* session_directive(const config::Server& server, const config::Context* anon, std::string_view name) {
    if (anon != nullptr) {
        if (const Directive* d = anon->find(name)) {
            return d;
        }
    }
    return server.get(name);
}

std::string expand_home(std::string_view path, std::string_view home) {
    if (path == "~") {
        return std::string(home);
    }
    if (path.starts_with("~/")) {
        return str_cat(home, path.substr(1));
    }
    return std::string(path);
}

std::string expand_user(std::string_view path, std::string_view user) {
    // A name that could climb out of its parent ("..", "a/b") is never substituted: the literal "%u" then
    // names a directory that the login fails to find, rather than one it should not reach.
    const bool safe = !user.empty() && user != "." && user != ".." && user.find('/') == std::string_view::npos;
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (safe && path[i] == '%' && i + 1 < path.size() && path[i + 1] == 'u') {
            out += user;
            ++i;
        } else {
            out += path[i];
        }
    }
    return out;
}

bool group_expression_matches(std::string_view expression, const std::vector<std::string>& groups) {
    for (auto term : split(expression, ',')) {
        term = trim(term);
        const bool negated = term.starts_with('!');
        if (negated) {
            term.remove_prefix(1);
        }
        const bool member = std::find(groups.begin(), groups.end(), term) != groups.end();
        if (member == negated) {
            return false;
        }
    }
    return true;
}

auth::AuthSettings auth_settings(const config::Server& server) {
    auth::AuthSettings settings;
    if (const Directive* order = server.get("AuthOrder")) {
        settings.order.clear();
        for (const auto& module : order->args) {
            if (iequals(module, "mod_auth_file.c")) {
                settings.order.push_back(auth::AuthSource::file);
            } else if (iequals(module, "mod_auth_unix.c")) {
                settings.order.push_back(auth::AuthSource::system);
            } else if (iequals(module, "mod_sql.c")) {
                settings.order.push_back(auth::AuthSource::sql);
            }
        }
    } else if (server.get("SQLConnectInfo") != nullptr) {
        // ProFTPD asks the modules in reverse load order: mod_sql.c, loaded after the mod_auth_* ones, first.
        settings.order.insert(settings.order.begin(), auth::AuthSource::sql);
    }
    if (const Directive* file = server.get("AuthUserFile")) {
        settings.user_file = file->args.at(0);
    }
    if (const Directive* file = server.get("AuthGroupFile")) {
        settings.group_file = file->args.at(0);
    }
    settings.require_valid_shell = flag(server.get("RequireValidShell"), true);
    settings.root_login = flag(server.get("RootLogin"), false);
    settings.use_ftpusers = flag(server.get("UseFtpUsers"), true);
    return settings;
}

ftp::SessionSettings session_settings(const config::Server& server, const config::Context* anon,
                                      std::string_view local_ip, bool transfer_log) {
    ftp::SessionSettings s;
    const auto get = [&](std::string_view name) { return session_directive(server, anon, name); };
    if (const Directive* name = get("ServerName")) {
        s.server_name = name->args.at(0);
    }
    const Directive* ident = get("ServerIdent");
    if (ident == nullptr || config::as_bool(*ident)) {
        s.banner = ident != nullptr && ident->args.size() > 1
                       ? ident->args[1]
                       : str_cat("wardftpd ", kVersion, " Server (", s.server_name, ") [", local_ip, "]");
    } else {
        s.banner = str_cat(local_ip, " FTP server ready");
    }
    s.timeouts.idle = seconds(get("TimeoutIdle"), s.timeouts.idle);
    s.timeouts.login = seconds(get("TimeoutLogin"), s.timeouts.login);
    s.timeouts.no_transfer = seconds(get("TimeoutNoTransfer"), s.timeouts.no_transfer);
    s.timeouts.stalled = seconds(get("TimeoutStalled"), s.timeouts.stalled);
    if (const Directive* ports = get("PassivePorts")) {
        const auto range = config::as_port_range(*ports);
        s.passive_ports = ftp::PortRange{range.first, range.last};
    }
    if (const Directive* masquerade = get("MasqueradeAddress")) {
        s.masquerade_address = masquerade->args.at(0);
    }
    if (const Directive* filter = get("DenyFilter")) {
        s.deny_filter = filter->args.at(0);
    }
    if (const Directive* filter = get("PathDenyFilter")) {
        s.path_deny_filter = filter->args.at(0);
    }
    if (const Directive* display = get("DisplayLogin")) {
        s.display_login = display->args.at(0);
    }
    s.transfer_log = transfer_log;
    s.show_symlinks = flag(get("ShowSymlinks"), true);
    if (const Directive* attempts = get("MaxLoginAttempts")) {
        s.max_login_attempts = static_cast<unsigned>(config::as_unsigned(*attempts));
    }
    return s;
}

std::shared_ptr<const ftp::AccessPolicy> access_policy(const config::Server& server, const config::Context* anon,
                                                       const ftp::SessionIdentity& identity,
                                                       std::vector<std::string> group_names,
                                                       std::string client_address) {
    config::Principal who;
    who.user = identity.user;
    who.groups = std::move(group_names);
    who.address = std::move(client_address);
    who.anonymous = identity.anonymous;
    return std::make_shared<ConfigAccessPolicy>(server, anon, identity.home, std::move(who));
}

worker::HookInterest hook_interest(const config::Context& root, const config::Server& server) {
    worker::HookInterest interest;
    const Directive* engine = server.get("ExecEngine");
    if (engine == nullptr || !config::as_bool(*engine)) {  // ExecEngine is off unless turned on
        return interest;
    }
    const std::pair<std::string_view, exec::HookPoint> kinds[] = {
        {"ExecBeforeCommand", exec::HookPoint::before_command},
        {"ExecOnCommand", exec::HookPoint::on_command},
        {"ExecOnError", exec::HookPoint::on_error},
    };
    for (const auto& [name, point] : kinds) {
        for (const Directive* d : everywhere(root, server, name)) {
            interest.add_list(point, d->args.at(0));
        }
    }
    return interest;
}

ConfigLoginRules::ConfigLoginRules(const config::Server& server) : server_(server), auth_(daemon::auth_settings(server)) {}

std::string ConfigLoginRules::resolve_alias(std::string_view login_name) const {
    for (const Directive* alias : server_.get_all("UserAlias")) {
        if (alias->args.at(0) == login_name) {
            return alias->args.at(1);
        }
    }
    return std::string(login_name);
}

std::optional<monitor::AnonymousTarget> ConfigLoginRules::anonymous_for(std::string_view login_name) const {
    const config::Context* anon = server_.anonymous_for(login_name);
    if (anon == nullptr) {
        return std::nullopt;
    }
    monitor::AnonymousTarget target;
    if (const Directive* user = anon->find("User")) {
        target.account = user->args.at(0);
    } else if (const Directive* server_user = server_.get("User")) {
        target.account = server_user->args.at(0);
    }
    if (const Directive* group = anon->find("Group")) {
        target.group = group->args.at(0);
    }
    std::string root = anon->args.empty() ? std::string("~") : anon->args[0];
    if (root.starts_with('~')) {
        // "~" is the anonymous User's home; "~ftp" another user's, as ProFTPD reads it.
        const std::string_view rest = std::string_view(root).substr(1);
        const auto slash = rest.find('/');
        const std::string owner(slash == std::string_view::npos ? rest : rest.substr(0, slash));
        const auto entry = auth::system_user(owner.empty() ? target.account : owner);
        if (!entry) {
            return std::nullopt;
        }
        root = entry->home + (slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash)));
    }
    target.root = root;
    return target;
}

bool ConfigLoginRules::login_allowed(const auth::Account& account, bool anonymous,
                                     const monitor::ClientInfo& client) const {
    config::Principal who;
    who.user = account.name;
    who.groups = account.group_names;
    who.address = client.address;
    who.anonymous = anonymous;
    const config::Context* anon = nullptr;
    if (anonymous) {
        // The context was chosen by the login name; find it again through the account's name.
        anon = server_.anonymous_for(account.name);
    }
    return server_.allowed("LOGIN", "", anon, account.home, who);
}

std::optional<std::string> ConfigLoginRules::default_root_for(const auth::Account& account) const {
    for (const Directive* root : server_.get_all("DefaultRoot")) {
        if (root->args.size() > 1 && !group_expression_matches(root->args[1], account.group_names)) {
            continue;
        }
        std::string path = expand_user(expand_home(root->args.at(0), account.home), account.name);
        while (path.size() > 1 && path.back() == '/') {
            path.pop_back();
        }
        if (path == "/") {
            return std::nullopt;
        }
        return path;
    }
    return std::nullopt;
}

unsigned ConfigLoginRules::max_login_attempts() const {
    const Directive* attempts = server_.get("MaxLoginAttempts");
    return attempts != nullptr ? static_cast<unsigned>(config::as_unsigned(*attempts)) : 3U;
}

}  // namespace ward::daemon
