#pragma once
// The session monitor's login rules (login_rules.hpp) read from the configuration model: UserAlias,
// <Anonymous> targets, <Limit LOGIN>, DefaultRoot, MaxLoginAttempts and AccessDenyMsg. Built by the master
// for each server before any session (daemon/daemon_context.cpp); read only by the monitor.
#include <optional>
#include <string>
#include <string_view>

#include "config/server.hpp"
#include "daemon/auth/authenticator.hpp"
#include "daemon/monitor/login_rules.hpp"

namespace ward::monitor {

class ConfigLoginRules final : public LoginRules {
public:
    explicit ConfigLoginRules(const config::Server& server);
    [[nodiscard]] const auth::AuthSettings& auth_settings() const override { return auth_; }
    [[nodiscard]] std::string resolve_alias(std::string_view login_name) const override;
    [[nodiscard]] std::optional<AnonymousTarget> anonymous_for(std::string_view login_name) const override;
    [[nodiscard]] bool login_allowed(const auth::Account& account, bool anonymous,
                                     const ClientInfo& client) const override;
    [[nodiscard]] std::optional<std::string> default_root_for(const auth::Account& account) const override;
    [[nodiscard]] unsigned max_login_attempts() const override;
    [[nodiscard]] std::string denied_reply(std::string_view login_name) const override;

private:
    const config::Server& server_;
    auth::AuthSettings auth_;
};

}  // namespace ward::monitor
