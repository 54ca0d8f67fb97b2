#include "config/server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>

#include "base/strings.hpp"
#include "config/access_rules.hpp"
#include "config/command_groups.hpp"
#include "config/path_index.hpp"
#include "config/values.hpp"

namespace ward::config {

namespace detail {

// One context's own directives by name, and its compiled <Limit> sections.
struct Scope {
    const Context* context = nullptr;
    std::unordered_map<std::string, std::vector<const Directive*>> by_name;  // lower-case name
    std::vector<LimitRule> limits;
    bool allow_all = false;
    bool deny_all = false;
};

struct ServerIndex {
    const Context* context = nullptr;
    bool main = false;
    std::vector<std::string> addresses;
    std::uint16_t port = 21;
    bool default_server = false;
    std::vector<std::unique_ptr<Scope>> scopes;  // stable addresses
    Scope* server = nullptr;                     // this server's context, with <Global>'s limits appended
    std::vector<Scope*> globals;
    std::unordered_map<const Context*, Scope*> by_context;
    std::vector<const Context*> anonymous;        // own, then <Global>'s
    PathIndex server_dirs;                        // own and <Global>'s <Directory> sections
    std::unordered_map<const Context*, PathIndex> anon_dirs;
    std::shared_ptr<const std::vector<ConnectionClass>> classes;  // the configuration's <Class> sections
};

}  // namespace detail

namespace {

using detail::Scope;
using detail::ServerIndex;

using HomeOf = std::function<std::optional<std::string>(std::string_view)>;

std::optional<std::string> system_home(std::string_view user) {
    const std::string name(user);
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buf(size > 0 ? static_cast<std::size_t>(size) : 16384U);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwnam_r(name.c_str(), &entry, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
        return std::nullopt;
    }
    return std::string(found->pw_dir);
}

Result<Scope*> add_scope(ServerIndex& index, const Context& c) {
    auto scope = std::make_unique<Scope>();
    scope->context = &c;
    for (const auto& d : c.directives) {
        scope->by_name[to_lower(d.name)].push_back(&d);
        scope->allow_all = scope->allow_all || iequals(d.name, "AllowAll");
        scope->deny_all = scope->deny_all || iequals(d.name, "DenyAll");
    }
    for (const auto& child : c.children) {
        if (child.kind != ContextKind::limit) {
            continue;
        }
        auto rule = compile_limit(child);
        if (!rule) {
            return std::move(rule).error();
        }
        scope->limits.push_back(std::move(*rule));
    }
    Scope* raw = scope.get();
    index.by_context[&c] = raw;
    index.scopes.push_back(std::move(scope));
    return raw;
}

// "<Directory path>" as an index entry; "~user" is resolved now, "~" per lookup.
Result<DirSection> dir_section(const Context& dir, bool in_anonymous, std::size_t order, const HomeOf& home_of) {
    DirSection s;
    s.context = &dir;
    s.order = order;
    const std::string& path = dir.args.front();
    if (path == "~" || path.starts_with("~/")) {
        s.base = DirSection::Base::home;
        s.pattern = path.size() > 2 ? path.substr(2) : std::string();
    } else if (path.starts_with('~')) {
        const auto slash = path.find('/');
        const std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
        const auto home = home_of ? home_of(user) : system_home(user);
        if (!home) {
            return Error{str_cat(to_string(dir.where), ": <Directory ", path, ">: no such user '", user, "'")};
        }
        s.pattern = slash == std::string::npos ? *home : str_cat(normalise_path(*home), path.substr(slash));
    } else if (path.starts_with('/')) {
        s.pattern = path;
    } else if (in_anonymous) {
        s.base = DirSection::Base::anon_root;
        s.pattern = path;
    } else {
        return Error{str_cat(to_string(dir.where), ": <Directory ", path, ">: a relative path needs <Anonymous>")};
    }
    return s;
}

Result<void> add_dirs(ServerIndex& index, const Context& owner, PathIndex& dirs, bool in_anonymous,
                      std::size_t& order, const HomeOf& home_of) {
    for (const auto& child : owner.children) {
        if (child.kind != ContextKind::directory) {
            continue;
        }
        auto scope = add_scope(index, child);
        if (!scope) {
            return std::move(scope).error();
        }
        auto section = dir_section(child, in_anonymous, order++, home_of);
        if (!section) {
            return std::move(section).error();
        }
        dirs.add(std::move(*section));
    }
    return {};
}

Result<std::unique_ptr<ServerIndex>> index_server(const Context& c, bool main, const std::vector<const Context*>& globals,
                                                  const HomeOf& home_of) {
    auto index = std::make_unique<ServerIndex>();
    index->context = &c;
    index->main = main;
    auto server = add_scope(*index, c);
    if (!server) {
        return std::move(server).error();
    }
    index->server = *server;
    for (const Context* g : globals) {
        auto scope = add_scope(*index, *g);
        if (!scope) {
            return std::move(scope).error();
        }
        index->globals.push_back(*scope);
    }
    // A server's own Port, else one from <Global> (ProFTPD issue 1418), else the default.
    const Directive* port = c.find("Port");
    for (const Context* g : globals) {
        port = port != nullptr ? port : g->find("Port");
    }
    if (port != nullptr) {
        index->port = as_port(*port);
    }
    if (main) {
        if (const auto* addr = c.find("DefaultAddress")) {
            index->addresses = addr->args;
        }
    } else {
        index->addresses = c.args;
    }
    if (const auto* def = c.find("DefaultServer")) {
        index->default_server = as_bool(*def);
    }
    std::vector<const Context*> owners{&c};
    owners.insert(owners.end(), globals.begin(), globals.end());
    std::size_t order = 0;
    for (const Context* owner : owners) {
        if (auto added = add_dirs(*index, *owner, index->server_dirs, false, order, home_of); !added) {
            return std::move(added).error();
        }
        for (const auto& child : owner->children) {
            if (child.kind != ContextKind::anonymous) {
                continue;
            }
            index->anonymous.push_back(&child);
            auto scope = add_scope(*index, child);
            if (!scope) {
                return std::move(scope).error();
            }
            if (auto added = add_dirs(*index, child, index->anon_dirs[&child], true, order, home_of); !added) {
                return std::move(added).error();
            }
        }
    }
    return index;
}

// The contexts a lookup visits, most specific first (ProFTPD: the matched <Directory> and its parents, then the
// <Anonymous> the directory belongs to, then the server with <Global>'s records merged in).
std::vector<const Scope*> chain(const ServerIndex& index, std::string_view path, const Context* anon,
                                std::string_view home) {
    std::vector<const Scope*> out;
    std::string anon_root;
    if (anon != nullptr && !anon->args.empty()) {
        anon_root = anon->args.front().starts_with('~') ? std::string(home) : anon->args.front();
    }
    bool through_anon = anon != nullptr;
    if (!path.empty()) {
        std::vector<DirMatch> matches;
        if (anon != nullptr) {
            if (const auto it = index.anon_dirs.find(anon); it != index.anon_dirs.end()) {
                matches = it->second.match(path, home, anon_root);
            }
        }
        if (matches.empty()) {
            matches = index.server_dirs.match(path, home, anon_root);
            through_anon = through_anon && matches.empty();
        }
        for (const auto& m : matches) {
            out.push_back(index.by_context.at(m.section->context));
        }
    }
    if (through_anon) {
        if (const auto it = index.by_context.find(anon); it != index.by_context.end()) {
            out.push_back(it->second);
        }
    }
    out.push_back(index.server);
    out.insert(out.end(), index.globals.begin(), index.globals.end());
    return out;
}

// ProFTPD's dir_check_limits for one name: 1 when no <Limit> decided, >1 allowed, 0 denied.
int check_limits(const std::vector<const Scope*>& levels, std::string_view name, const Principal& who,
                 const std::string* argument) {
    for (const Scope* level : levels) {
        for (const auto& rule : level->limits) {
            if (!rule.names(name)) {
                continue;
            }
            const int decision = rule.check(who, argument);
            if (decision == 1) {
                return 2;
            }
            if (decision < 0) {
                return 0;
            }
        }
    }
    return 1;
}

}  // namespace

Server::Server(std::unique_ptr<detail::ServerIndex> index) : index_(std::move(index)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

const Context& Server::context() const noexcept { return *index_->context; }
const std::vector<std::string>& Server::addresses() const noexcept { return index_->addresses; }
std::uint16_t Server::port() const noexcept { return index_->port; }
bool Server::is_main() const noexcept { return index_->main; }

const Directive* Server::get(std::string_view name) const {
    const auto all = get_all(name);
    return all.empty() ? nullptr : all.front();
}

std::vector<const Directive*> Server::get_all(std::string_view name) const {
    return get_all_for_path(name, {}, nullptr, {});
}

std::string Server::class_of(std::string_view client_address) const {
    return index_->classes ? config::class_of(*index_->classes, client_address) : std::string();
}

const Context* Server::anonymous_for(std::string_view login_user) const {
    // UserAlias in the server (or <Global>) maps the login name for every <Anonymous>; one inside an
    // <Anonymous> only for that one.
    std::vector<std::string> names{std::string(login_user)};
    for (const auto* alias : get_all("UserAlias")) {
        if (alias->args[0] == login_user) {
            names.push_back(alias->args[1]);
        }
    }
    for (const Context* anon : index_->anonymous) {
        const Directive* user = anon->find("User");
        if (user == nullptr) {
            continue;
        }
        std::vector<std::string> local = names;
        for (const auto* alias : anon->find_all("UserAlias")) {
            if (alias->args[0] == login_user) {
                local.push_back(alias->args[1]);
            }
        }
        if (std::find(local.begin(), local.end(), user->args[0]) != local.end()) {
            return anon;
        }
    }
    return nullptr;
}

const Directive* Server::get_for_path(std::string_view name, std::string_view real_path, const Context* anon,
                                      std::string_view home) const {
    const std::string key = to_lower(name);
    for (const Scope* level : chain(*index_, real_path, anon, home)) {
        if (const auto it = level->by_name.find(key); it != level->by_name.end()) {
            return it->second.front();
        }
    }
    return nullptr;
}

std::vector<const Directive*> Server::get_all_for_path(std::string_view name, std::string_view real_path,
                                                       const Context* anon, std::string_view home) const {
    const std::string key = to_lower(name);
    std::vector<const Directive*> out;
    for (const Scope* level : chain(*index_, real_path, anon, home)) {
        if (const auto it = level->by_name.find(key); it != level->by_name.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
        }
    }
    return out;
}

bool Server::allowed(std::string_view command, std::string_view real_path, const Context* anon, std::string_view home,
                     const Principal& who, const std::string* argument) const {
    const std::string cmd = to_upper(command);
    const auto levels = chain(*index_, real_path, anon, home);
    // ProFTPD's dir_check_op(OP_COMMAND): DenyAll directly in the matched <Directory> (or <Anonymous>) refuses
    // every command there unless AllowAll is beside it.
    const Scope* first = levels.front();
    if (first != index_->server && first->deny_all && !first->allow_all) {
        return false;
    }
    int res = check_limits(levels, cmd, who, argument);
    if (res == 1) {
        const auto group = command_group(cmd);
        if (!group.empty()) {
            res = check_limits(levels, group, who, argument);
        }
    }
    if (res == 1 && command_in_group(cmd, "ALL")) {
        res = check_limits(levels, "ALL", who, argument);
    }
    return res != 0;
}

namespace {

// One level of login_check_limits (OR form): whether a LOGIN rule allows explicitly; `found` counts the rules
// that decided explicitly or by denying.
bool login_level(const std::vector<const Scope*>& scopes, const Principal& who, int& found) {
    bool allowed = false;
    for (const Scope* scope : scopes) {
        for (const auto& rule : scope->limits) {
            if (!rule.names("LOGIN")) {
                continue;
            }
            const int decision = rule.check(who);
            if (decision == 1) {
                allowed = true;
            }
            if (decision != 0) {
                ++found;
            }
        }
    }
    return allowed;
}

}  // namespace

bool Server::connection_allowed(const Principal& who) const {
    std::vector<const Scope*> top{index_->server};
    top.insert(top.end(), index_->globals.begin(), index_->globals.end());
    int found = 0;
    bool allowed = login_level(top, who, found);
    if (!allowed && found > 0) {
        for (const Context* anon : index_->anonymous) {
            const auto it = index_->by_context.find(anon);
            if (it == index_->by_context.end()) {
                continue;
            }
            int anon_found = 0;
            const bool anon_allowed = login_level({it->second}, who, anon_found);
            found += anon_found;
            if (anon_found > 0 && anon_allowed) {
                allowed = true;
                break;
            }
        }
    }
    return found == 0 || allowed;
}

bool Server::ignore_hidden(std::string_view command, std::string_view real_path, const Context* anon,
                           std::string_view home) const {
    const std::string cmd = to_upper(command);
    const auto levels = chain(*index_, real_path, anon, home);
    std::vector<std::string> names{cmd};
    if (const auto group = command_group(cmd); !group.empty()) {
        names.emplace_back(group);
    }
    if (command_in_group(cmd, "ALL")) {
        names.emplace_back("ALL");
    }
    for (const auto& name : names) {
        for (const Scope* level : levels) {
            for (const auto& rule : level->limits) {
                if (!rule.names(name)) {
                    continue;
                }
                if (const Directive* ignore = rule.section->find("IgnoreHidden")) {
                    return as_bool(*ignore);
                }
            }
        }
    }
    return false;
}

Result<ServerSet> ServerSet::build(std::shared_ptr<const Config> config, const BuildOptions& options) {
    ServerSet set;
    set.config_ = std::move(config);
    const Context& root = set.config_->root;
    std::vector<const Context*> globals;
    for (const auto& child : root.children) {
        if (child.kind == ContextKind::global) {
            globals.push_back(&child);
        }
    }
    const auto classes = std::make_shared<const std::vector<ConnectionClass>>(compile_classes(root));
    auto main = index_server(root, true, globals, options.home_of);
    if (!main) {
        return std::move(main).error();
    }
    (*main)->classes = classes;
    set.servers_.push_back(Server(std::move(*main)));
    for (const auto& child : root.children) {
        if (child.kind != ContextKind::virtual_host) {
            continue;
        }
        auto vhost = index_server(child, false, globals, options.home_of);
        if (!vhost) {
            return std::move(vhost).error();
        }
        (*vhost)->classes = classes;
        set.servers_.push_back(Server(std::move(*vhost)));
    }
    // Cross-server checks.
    std::unordered_map<std::string, const Server*> bound;
    std::unordered_map<std::uint16_t, const Server*> default_servers;  // port -> the DefaultServer there
    for (const auto& server : set.servers_) {
        if (server.port() == 0) {
            continue;
        }
        for (const auto& address : server.addresses()) {
            const std::string key = str_cat(plain_address(address), "|", server.port());
            const auto [it, inserted] = bound.emplace(key, &server);
            if (!inserted) {
                return Error{str_cat(to_string(server.context().where), ": ", address, " port ", server.port(),
                                     " is already served by the server at ", to_string(it->second->context().where))};
            }
        }
        if (server.index_->default_server) {
            const auto [it, inserted] = default_servers.emplace(server.port(), &server);
            if (!inserted) {
                return Error{str_cat(to_string(server.context().where), ": DefaultServer is already on for port ",
                                     server.port(), " at ", to_string(it->second->context().where))};
            }
        }
    }
    return set;
}

const Server* ServerSet::match(std::string_view local_ip, std::uint16_t port) const {
    const std::string_view ip = plain_address(local_ip);
    for (const auto& server : servers_) {
        if (server.port() != port || port == 0) {
            continue;
        }
        for (const auto& address : server.addresses()) {
            if (plain_address(address) == ip) {
                return &server;
            }
        }
    }
    for (const auto& server : servers_) {
        if (server.port() == port && port != 0 && server.index_->default_server) {
            return &server;
        }
    }
    const Server& main = servers_.front();
    if (main.port() == port && port != 0) {
        const Directive* tight = main.context().find("SocketBindTight");
        if (main.addresses().empty() || tight == nullptr || !as_bool(*tight)) {
            return &main;
        }
    }
    return nullptr;
}

}  // namespace ward::config
