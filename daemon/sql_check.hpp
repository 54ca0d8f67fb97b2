#pragma once
// mod_sql's share of the checks -t and start-up run (daemon/config_check.hpp): the directives read into
// sql::Settings with their file:line errors and warnings, then an SQL helper -- confined as a session's would
// be -- connects to the database and prepares the user query and every SQLNamedQuery.
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "daemon/config_check.hpp"
#include "daemon/sql/settings.hpp"

namespace ward::daemon {

// nullptr when the server does not use mod_sql.
[[nodiscard]] Result<std::shared_ptr<const sql::Settings>> check_sql(const config::Server& server,
                                                                     const PreauthIdentity& identity,
                                                                     std::vector<std::string>& warnings);

}  // namespace ward::daemon
