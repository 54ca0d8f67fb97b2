#include "daemon/session_config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/unique_fd.hpp"
#include "base/version.hpp"
#include "config/auth_modules.hpp"
#include "config/command_groups.hpp"
#include "config/values.hpp"
#include "daemon/auth/system_users.hpp"
#include "daemon/ftp/display_text.hpp"
#include "daemon/ftp/posix_regex.hpp"

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

// DirFakeUser/DirFakeGroup: "on [name]" shows the name (ProFTPD's default "ftp"; "~" the session's own),
// "off [name]" the real one.
std::optional<std::string> fake_name(const Directive* d, std::string_view own) {
    if (d == nullptr || !config::as_bool(*d)) {
        return std::nullopt;
    }
    const std::string name = d->args.size() > 1 ? d->args[1] : std::string("ftp");
    return name == "~" ? std::string(own) : name;
}

// HideFiles' "user a,!b" (any term holds, as ProFTPD's pr_expr_eval_user_or) and "group a,!b" (every term
// holds, pr_expr_eval_group_and). "class" is refused by the registry.
bool hide_qualifier_matches(const Directive& d, const config::Principal& who) {
    if (d.args.size() < 3) {
        return true;
    }
    if (iequals(d.args[1], "group")) {
        return group_expression_matches(d.args[2], who.groups);
    }
    for (auto term : split(d.args[2], ',')) {
        term = trim(term);
        const bool negated = term.starts_with('!');
        if (negated) {
            term.remove_prefix(1);
        }
        if ((term == who.user) != negated) {
            return true;
        }
    }
    return false;
}

// HideUser/HideGroup lines in ProFTPD's order, "!" split off and "~" made the session's own name.
std::vector<std::pair<std::string, bool>> hide_names(const std::vector<const Directive*>& lines, std::string_view own) {
    std::vector<std::pair<std::string, bool>> out;
    for (const Directive* d : lines) {
        std::string_view name = d->args.at(0);
        const bool inverted = name.starts_with('!');
        if (inverted) {
            name.remove_prefix(1);
        }
        out.emplace_back(name == "~" ? std::string(own) : std::string(name), inverted);
    }
    return out;
}

ftp::TextFilter text_filter(const Directive* d) {
    auto value = d != nullptr ? config::as_filter(*d) : config::FilterValue{};
    return ftp::TextFilter{std::move(value.pattern), value.ignore_case};
}

class ConfigAccessPolicy final : public ftp::AccessPolicy {
public:
    ConfigAccessPolicy(const config::Server& server, const config::Context* anon, std::string home,
                       config::Principal who)
        : server_(server), anon_(anon), home_(std::move(home)), who_(std::move(who)) {}

    [[nodiscard]] bool allowed(std::string_view command, std::string_view real_path,
                               const std::string& argument) const override {
        return server_.allowed(command, real_path, anon_, home_, who_, &argument);
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
        if (const Directive* remove = get("DeleteAbortedStores")) {
            rules.delete_aborted_stores = config::as_bool(*remove);
        }
        if (const Directive* umask = get("Umask")) {
            const auto value = config::as_umask(*umask);
            rules.umask = value.files;
            rules.dir_umask = value.directories;
        }
        if (const Directive* list = get("ListOptions")) {
            rules.list = list_rules(*list);
        }
        rules.allow_filter = text_filter(get("AllowFilter"));
        rules.deny_filter = text_filter(get("DenyFilter"));
        rules.path_allow_filter = text_filter(get("PathAllowFilter"));
        rules.path_deny_filter = text_filter(get("PathDenyFilter"));
        rules.fake_user = fake_name(get("DirFakeUser"), who_.user);
        rules.fake_group = fake_name(get("DirFakeGroup"), who_.groups.empty() ? std::string_view() : who_.groups.front());
        if (const Directive* mode = get("DirFakeMode")) {
            rules.fake_mode = config::as_mode(*mode);
        }
        fill_hide_rules(rules.hide, real_path);
        return rules;
    }

    [[nodiscard]] bool ignore_hidden(std::string_view command, std::string_view real_path) const override {
        return server_.ignore_hidden(command, real_path, anon_, home_);
    }

private:
    // ProFTPD's dir_hide_file: the first HideFiles that applies to this session (no qualifier, or one that
    // matches), most specific <Directory> first, decides; "none" there hides nothing by name.
    void fill_hide_rules(ftp::HideRules& hide, std::string_view real_path) const {
        const auto all = [&](std::string_view name) { return server_.get_all_for_path(name, real_path, anon_, home_); };
        for (const Directive* d : all("HideFiles")) {
            if (!hide_qualifier_matches(*d, who_)) {
                continue;
            }
            std::string_view pattern = d->args.at(0);
            hide.files_negated = pattern.starts_with('!');
            if (hide.files_negated) {
                pattern.remove_prefix(1);
            } else if (iequals(pattern, "none")) {
                break;
            }
            hide.files = compiled(d, pattern);
            break;
        }
        hide.users = hide_names(all("HideUser"), who_.user);
        hide.groups = hide_names(all("HideGroup"), who_.groups.empty() ? std::string_view() : who_.groups.front());
        const Directive* no_access = server_.get_for_path("HideNoAccess", real_path, anon_, home_);
        hide.no_access = no_access != nullptr && config::as_bool(*no_access);
    }

    // Each HideFiles pattern is compiled once per session (the registry has checked that it compiles).
    std::shared_ptr<const ftp::PosixRegex> compiled(const Directive* d, std::string_view pattern) const {
        auto& slot = regexes_[d];
        if (!slot) {
            auto re = ftp::PosixRegex::compile(std::string(pattern));
            if (!re) {
                throw std::logic_error(str_cat("HideFiles ", pattern, ": ", re.error().message));
            }
            slot = std::make_shared<const ftp::PosixRegex>(std::move(*re));
        }
        return slot;
    }

    const config::Server& server_;
    const config::Context* anon_;
    std::string home_;
    config::Principal who_;
    mutable std::unordered_map<const Directive*, std::shared_ptr<const ftp::PosixRegex>> regexes_;
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

auth::AuthSource auth_source(config::AuthModule module) {
    switch (module) {
        case config::AuthModule::file: return auth::AuthSource::file;
        case config::AuthModule::system: return auth::AuthSource::system;
        case config::AuthModule::pam: return auth::AuthSource::pam;
        case config::AuthModule::sql: return auth::AuthSource::sql;
    }
    return auth::AuthSource::system;
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
            // "%u[N]": the name's character N (0-based), ProFTPD's way to spread homes over folders.
            const std::size_t close = path.find(']', i + 2);
            if (i + 2 < path.size() && path[i + 2] == '[' && close != std::string_view::npos) {
                const auto digits = path.substr(i + 3, close - i - 3);
                std::size_t index = 0;
                const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
                if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
                    index < user.size()) {
                    out += user[index];
                    i = close;
                    continue;
                }
            }
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
            // -t refused every argument this cannot parse; a failure here would be a registry bug, and an
            // unparsed entry must not vanish (dropping a '*' entry would let the next module answer).
            const auto entry = config::parse_auth_order_entry(module);
            if (!entry) {
                throw std::logic_error(str_cat("AuthOrder ", module, ": ", entry.error().message));
            }
            settings.order.push_back(auth::AuthStep{auth_source(entry->module), entry->authoritative});
        }
    } else if (server.get("SQLConnectInfo") != nullptr) {
        // ProFTPD asks the modules in reverse load order: mod_sql.c, loaded after the mod_auth_* ones, first.
        settings.order.insert(settings.order.begin(), auth::AuthStep{auth::AuthSource::sql});
    }
    settings.pam = flag(server.get("AuthPAM"), true);
    if (const Directive* service = server.get("AuthPAMConfig")) {
        settings.pam_service = service->args.at(0);
    }
    settings.pam_timeout = seconds(server.get("AuthPAMTimeout"), settings.pam_timeout);
    if (const Directive* options = server.get("AuthPAMOptions")) {
        // NoTTY is the only option the registry accepts.
        settings.pam_tty = std::none_of(options->args.begin(), options->args.end(),
                                        [](const std::string& o) { return iequals(o, "NoTTY"); });
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
        // ServerIdent's own variables (ProFTPD's main.c): %L the address the client reached, %V the server's
        // DNS name (no lookups here: that address too), %v ServerName, %{version}.
        const auto variable = [&](std::string_view name) -> std::optional<std::string> {
            if (name == "L" || name == "V") {
                return std::string(local_ip);
            }
            if (name == "v") {
                return s.server_name;
            }
            if (name == "version") {
                return std::string(kVersion);
            }
            return std::nullopt;
        };
        s.banner = ident != nullptr && ident->args.size() > 1
                       ? ftp::expand_percent(ident->args[1], variable)
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
    s.allow_filter = text_filter(get("AllowFilter"));
    s.deny_filter = text_filter(get("DenyFilter"));
    if (const Directive* display = get("DisplayLogin")) {
        s.display_login = display->args.at(0);
    }
    // ProFTPD's default names root at the server's DNS name; without lookups, the address reached.
    const Directive* admin = get("ServerAdmin");
    s.server_admin = admin != nullptr ? admin->args.at(0) : str_cat("root@", local_ip);
    if (const Directive* grant = get("AccessGrantMsg")) {
        s.access_grant_msg = grant->args.at(0);
    }
    if (const Directive* display = get("DisplayQuit")) {
        s.display_quit = display->args.at(0);
    }
    if (const Directive* display = get("DisplayChdir")) {
        s.display_chdir = display->args.at(0);
        s.display_chdir_once = display->args.size() > 1 && config::as_bool(*display, 1);
    }
    s.transfer_log = transfer_log;
    s.show_symlinks = flag(get("ShowSymlinks"), true);
    if (const Directive* attempts = get("MaxLoginAttempts")) {
        s.max_login_attempts = static_cast<unsigned>(config::as_unsigned(*attempts));
    }
    return s;
}

std::string default_chdir(const config::Server& server, const config::Context* anon,
                          const ftp::SessionIdentity& identity, const std::vector<std::string>& group_names) {
    std::vector<const Directive*> candidates = anon != nullptr ? anon->find_all("DefaultChdir")
                                                               : std::vector<const Directive*>{};
    if (candidates.empty()) {
        candidates = server.get_all("DefaultChdir");
    }
    // "~" is the home as the session sees it: inside a DefaultRoot that holds it, the path below the root;
    // otherwise the home's own path, which ProFTPD then looks for inside the root.
    std::string home = identity.home;
    const bool confined = !identity.root.empty() && identity.root != "/";
    if (confined) {
        const std::string prefix = identity.root.back() == '/' ? identity.root : identity.root + "/";
        if (home == identity.root) {
            home = "/";
        } else if (home.starts_with(prefix)) {
            home = home.substr(prefix.size() - 1);
        }
    }
    for (const Directive* chdir : candidates) {
        if (chdir->args.size() > 1 && !group_expression_matches(chdir->args[1], group_names)) {
            continue;
        }
        return expand_user(expand_home(chdir->args.at(0), home), identity.user);
    }
    return {};
}

std::vector<std::string> display_connect_lines(const config::Server& server, const ftp::SessionSettings& settings,
                                               std::string_view local_ip, std::string_view client_ip) {
    const Directive* display = server.get("DisplayConnect");
    if (display == nullptr) {
        return {};
    }
    // ProFTPD resolves a relative DisplayConnect path against "/" (its daemon's working directory).
    const std::string& configured = display->args.at(0);
    const std::string path = configured.starts_with('/') ? configured : str_cat("/", configured);
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd) {
        log::debug(1, "DisplayConnect ", path, ": ", std::strerror(errno), "; nothing displayed");
        return {};
    }
    const auto file = ftp::read_display_file(fd.get(), "DisplayConnect", true);
    if (!file) {
        return {};
    }
    ftp::DisplayValues values;
    values.cwd = "/";
    values.free_bytes = file->free_bytes;
    values.local_host = std::string(local_ip);
    values.remote_host = std::string(client_ip);
    values.server_name = settings.server_name;
    values.server_admin = settings.server_admin;
    return ftp::display_reply_lines(file->text, values);
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
    who.conn_class = server.class_of(who.address);
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

}  // namespace ward::daemon
