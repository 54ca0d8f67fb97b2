#include "daemon/sql_check.hpp"

#include <unistd.h>

#include <algorithm>

#include "base/strings.hpp"
#include "daemon/monitor/sql_helper.hpp"
#include "sandbox/policies.hpp"

namespace ward::daemon {

Result<std::shared_ptr<const sql::Settings>> check_sql(const config::Server& server, const PreauthIdentity& identity,
                                                       std::vector<std::string>& warnings) {
    auto settings = sql::read_settings(server, warnings);
    if (!settings || !*settings) {
        return settings;
    }
    const sql::Settings& s = **settings;
    if (const config::Directive* order = server.get("AuthOrder"); order != nullptr && s.auth) {
        const bool named = std::any_of(order->args.begin(), order->args.end(), [](const std::string& m) {
            return iequals(m, "mod_sql.c") || iequals(m, "mod_sql.c*");
        });
        if (!named) {
            warnings.push_back(str_cat(config::to_string(order->where),
                                       ": AuthOrder does not name mod_sql.c, so SQL users cannot log in "
                                       "(SQLAuthenticate has no effect)"));
        }
    }
    auto policy = sandbox::policies::sql_helper().compile();
    if (!policy) {
        return Error{str_cat("seccomp policy sql_helper: ", policy.error().message)};
    }
    monitor::SqlHelperSetup setup;
    setup.settings = *settings;
    setup.policy = &*policy;
    if (::geteuid() == 0) {
        setup.uid = identity.uid;
        setup.gid = identity.gid;
    }
    setup.keep_fds = {2};
    const monitor::SqlHelper helper(std::move(setup));
    const auto problems = helper.check();
    if (!problems.empty()) {
        const config::Directive* info = server.get("SQLConnectInfo");
        std::string text = str_cat(config::to_string(info->where), ": SQLConnectInfo: the database check failed");
        for (const auto& p : problems) {
            text += str_cat("\n  ", p);
        }
        return Error{std::move(text)};
    }
    return settings;
}

}  // namespace ward::daemon
