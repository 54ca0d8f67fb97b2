#include "daemon/config_check.hpp"

#include "base/strings.hpp"
#include "daemon/auth/system_users.hpp"
#include "config/values.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/log_files.hpp"
#include "exec/hook_config.hpp"

namespace ward::daemon {
namespace {

std::string at(const config::Directive* d) { return d != nullptr ? to_string(d->where) + ": " : std::string(); }

// User root (ProFTPD's own test suite writes it when run as root): wardftpd never parses network bytes as root,
// so the pre-auth workers run as the fallback account instead, and the daemon starts.
Result<PreauthIdentity> preauth_identity(const config::Server& server, std::vector<std::string>& warnings) {
    const config::Directive* user = server.get("User");
    std::string name = user != nullptr ? user->args.at(0) : std::string(kPreauthFallbackUser);
    auto account = auth::system_user(name);
    if (!account) {
        return Error{str_cat(at(user), "User '", name, "' does not exist")};
    }
    if (account->uid == 0) {
        warnings.push_back(str_cat(at(user), "User ", name, ": wardftpd never parses network bytes as root, so "
                                   "pre-auth workers run as '", kPreauthFallbackUser, "' instead"));
        name = kPreauthFallbackUser;
        account = auth::system_user(name);
        if (!account || account->uid == 0) {
            return Error{str_cat(at(user), "User ", user->args.at(0), ": the fallback account '", name,
                                 "' is missing or is root; name an unprivileged User")};
        }
    }
    PreauthIdentity identity{account->uid, account->gid};
    if (const config::Directive* group = server.get("Group")) {
        const auto gid = auth::system_group_id(group->args.at(0));
        if (!gid) {
            return Error{str_cat(at(group), "Group '", group->args.at(0), "' does not exist")};
        }
        if (*gid == 0) {
            warnings.push_back(str_cat(at(group), "Group ", group->args.at(0), ": wardftpd never parses network "
                                       "bytes with group 0, so pre-auth workers keep the group of '", name, "'"));
        } else {
            identity.gid = *gid;
        }
    }
    return identity;
}

// SystemLog, and each server's and <Anonymous>'s TransferLog: what opening them would refuse, with the message
// start-up gives ("file:line:column: SystemLog: ...").
Result<void> check_log(const config::Directive* log) {
    if (log == nullptr || config::is_none(log->args.at(0))) {
        return {};
    }
    if (auto checked = check_log_file(log->args.at(0)); !checked) {
        return Error{str_cat(to_string(log->where), ": ", log->name, ": ", checked.error().message)};
    }
    return {};
}

Result<void> check_logs(const config::ServerSet& servers) {
    if (auto checked = check_log(servers.servers().front().get("SystemLog")); !checked) {
        return checked;
    }
    for (const auto& server : servers.servers()) {
        if (auto checked = check_log(server.get("TransferLog")); !checked) {
            return checked;
        }
        for (const auto& child : server.context().children) {
            if (child.kind == config::ContextKind::anonymous) {
                if (auto checked = check_log(child.find("TransferLog")); !checked) {
                    return checked;
                }
            }
        }
    }
    return {};
}

}  // namespace

Result<CheckedConfig> check_configuration(const config::ServerSet& servers) {
    CheckedConfig checked;
    checked.warnings = servers.config().warnings;
    for (const auto& server : servers.servers()) {
        auto caps = server_session_capabilities(server);
        if (!caps) {
            return std::move(caps).error();
        }
        checked.session_caps.push_back(*caps);
        auto proxy = master::proxy::settings_for(server);  // ProxyProtocolEngine needs its trusted proxies
        if (!proxy) {
            return std::move(proxy).error();
        }
        checked.proxy.push_back(std::move(*proxy));
        auto identity = preauth_identity(server, checked.warnings);
        if (!identity) {
            return std::move(identity).error();
        }
        checked.identities.push_back(*identity);
    }
    if (auto programs = exec::check_hook_programs(servers.config().root); !programs) {
        return std::move(programs).error();
    }
    if (auto logs = check_logs(servers); !logs) {
        return std::move(logs).error();
    }
    return checked;
}

}  // namespace ward::daemon
