#pragma once
// The configuration's decisions about logins, as the session monitor needs them. Implemented over the
// config model by config_login_rules.cpp; tests use a fake.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/auth/account.hpp"
#include "daemon/auth/authenticator.hpp"

namespace ward::monitor {

// An <Anonymous> context a login name leads to.
struct AnonymousTarget {
    std::string account;  // the context's User (the local account the session runs as)
    std::string group;    // the context's Group; empty = the account's primary group
    std::string root;     // the directory the session is confined to (absolute, real)
};

struct ClientInfo {
    std::string address;  // the client's IP, as text
};

class LoginRules {
public:
    virtual ~LoginRules() = default;
    [[nodiscard]] virtual const auth::AuthSettings& auth_settings() const = 0;
    // UserAlias: the local account name a login name stands for (itself when no alias applies).
    [[nodiscard]] virtual std::string resolve_alias(std::string_view login_name) const = 0;
    [[nodiscard]] virtual std::optional<AnonymousTarget> anonymous_for(std::string_view login_name) const = 0;
    // <Limit LOGIN> (and any other rule that refuses a login for this user, group or client).
    [[nodiscard]] virtual bool login_allowed(const auth::Account& account, bool anonymous,
                                             const ClientInfo& client) const = 0;
    // DefaultRoot for this account ("~" resolved), or nullopt when the session is not confined to one.
    [[nodiscard]] virtual std::optional<std::string> default_root_for(const auth::Account& account) const = 0;
    [[nodiscard]] virtual unsigned max_login_attempts() const = 0;
    // The 530 text for a refused login (AccessDenyMsg, "%u" the name sent with USER).
    [[nodiscard]] virtual std::string denied_reply(std::string_view /*login_name*/) const {
        return "Login incorrect.";
    }
};

}  // namespace ward::monitor
