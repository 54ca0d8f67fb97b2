#pragma once
// The connection limits as the configuration sets them, and ProFTPD's 530 replies for them: the
// directive's own message when it has one ("MaxClientsPerUser 1 \"Only one, please\""), else ProFTPD's
// wording; "%m" stands for the limit. ConnectionLimits (connection_limits.hpp) does the counting.
#include <string>
#include <string_view>

#include "config/server.hpp"
#include "daemon/master/connection_limits.hpp"

namespace ward::master {

[[nodiscard]] HostLimits host_limits(const config::Server& server);
// `anon`: the <Anonymous> context the login leads to, whose own limits win; nullptr for other logins.
// `conn_class`: the session's <Class> ("" for none), whose MaxClientsPerClass applies.
[[nodiscard]] LoginLimits login_limits(const config::Server& server, const config::Context* anon,
                                       std::string_view conn_class = {});

[[nodiscard]] std::string host_refusal(Admission why, const config::Server& server);
[[nodiscard]] std::string login_refusal(LoginCount why, const config::Server& server, const config::Context* anon,
                                        std::string_view conn_class = {});

}  // namespace ward::master
