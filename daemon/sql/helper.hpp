#pragma once
// The SQL helper's work, once it is confined (daemon/monitor/sql_helper.cpp forks and confines it): read one
// request, talk to the database, send one typed answer, exit. Nothing here holds a privilege.
#include "daemon/sql/messages.hpp"
#include "daemon/sql/settings.hpp"

namespace ward::sql {

[[nodiscard]] LookupAnswer lookup(const Settings& settings, const LookupRequest& request);
[[nodiscard]] LogAnswer write_log(const Settings& settings, const LogRequest& request);
[[nodiscard]] CheckAnswer check(const Settings& settings);

// Reads one request from `fd` and answers it; returns the process exit status.
[[nodiscard]] int serve_one(const Settings& settings, int fd);

}  // namespace ward::sql
