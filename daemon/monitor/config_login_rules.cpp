#include "daemon/monitor/config_login_rules.hpp"

#include "config/values.hpp"
#include "daemon/auth/system_users.hpp"
#include "daemon/ftp/display_text.hpp"
#include "daemon/session_config.hpp"

namespace ward::monitor {

ConfigLoginRules::ConfigLoginRules(const config::Server& server) : server_(server), auth_(daemon::auth_settings(server)) {}

std::string ConfigLoginRules::resolve_alias(std::string_view login_name) const {
    for (const config::Directive* alias : server_.get_all("UserAlias")) {
        if (alias->args.at(0) == login_name) {
            return alias->args.at(1);
        }
    }
    return std::string(login_name);
}

std::optional<AnonymousTarget> ConfigLoginRules::anonymous_for(std::string_view login_name) const {
    const config::Context* anon = server_.anonymous_for(login_name);
    if (anon == nullptr) {
        return std::nullopt;
    }
    AnonymousTarget target;
    if (const config::Directive* user = anon->find("User")) {
        target.account = user->args.at(0);
    } else if (const config::Directive* server_user = server_.get("User")) {
        target.account = server_user->args.at(0);
    }
    if (const config::Directive* group = anon->find("Group")) {
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
                                     const ClientInfo& client) const {
    config::Principal who;
    who.user = account.name;
    who.groups = account.group_names;
    who.address = client.address;
    who.anonymous = anonymous;
    who.conn_class = server_.class_of(client.address);
    const config::Context* anon = nullptr;
    if (anonymous) {
        // The context was chosen by the login name; find it again through the account's name.
        anon = server_.anonymous_for(account.name);
    }
    return server_.allowed("LOGIN", "", anon, account.home, who);
}

std::optional<std::string> ConfigLoginRules::default_root_for(const auth::Account& account) const {
    for (const config::Directive* root : server_.get_all("DefaultRoot")) {
        if (root->args.size() > 1 && !daemon::group_expression_matches(root->args[1], account.group_names)) {
            continue;
        }
        std::string path = daemon::expand_user(daemon::expand_home(root->args.at(0), account.home), account.name);
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

std::string ConfigLoginRules::denied_reply(std::string_view login_name) const {
    const config::Context* anon = server_.anonymous_for(resolve_alias(login_name));
    const config::Directive* message = daemon::session_directive(server_, anon, "AccessDenyMsg");
    return message != nullptr ? ftp::login_message(message->args.at(0), login_name) : std::string("Login incorrect.");
}

unsigned ConfigLoginRules::max_login_attempts() const {
    const config::Directive* attempts = server_.get("MaxLoginAttempts");
    return attempts != nullptr ? static_cast<unsigned>(config::as_unsigned(*attempts)) : 3U;
}

}  // namespace ward::monitor
