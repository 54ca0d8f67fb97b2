#include "daemon/master/self_confine.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/policies.hpp"

namespace ward::master {
namespace {

Result<void> no_new_privs_and_filter(const daemon::DaemonContext& context) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return sys::errno_error("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    return context.policies.master.install();
}

}  // namespace

sandbox::CapabilitySet master_capability_set(const daemon::DaemonContext& context) noexcept {
    sandbox::CapabilitySet kept;
    for (const auto& runtime : context.runtime) {
        kept = kept | sandbox::master_capabilities(runtime.session_caps);
    }
    return kept;
}

Result<sandbox::ConfinementPlan> confinement_plan(const config::ServerSet& servers) {
    sandbox::ConfinementFacts facts;
    facts.privileged = ::geteuid() == 0;
    facts.landlock_abi = sandbox::landlock_abi();
    for (const auto& server : servers.servers()) {
        auto session = daemon::server_session_capabilities(server);
        if (!session) {
            return std::move(session).error();
        }
        const config::Directive* name = server.get("ServerName");
        facts.monitors.push_back({str_cat(name == nullptr ? std::string("main server") : name->args.at(0), ", port ",
                                          server.port()),
                                  sandbox::monitor_capabilities(*session)});
        facts.master = facts.master | sandbox::master_capabilities(*session);
    }
    return sandbox::confinement_plan(facts);
}

Result<SelfConfinement> confine_master(const daemon::DaemonContext& context) {
    SelfConfinement held;
    if (context.privileged) {
        held.kept = master_capability_set(context);
        auto applied = sandbox::apply_capabilities(held.kept);
        if (!applied) {
            return Error{str_cat("master: cutting capabilities to ", held.kept.names(), ": ", applied.error().message)};
        }
        held.capabilities_cut = true;
    }
    if (auto done = no_new_privs_and_filter(context); !done) {
        return Error{str_cat("master: ", done.error().message)};
    }
    return held;
}

Result<void> reload_fits(const SelfConfinement& held, const daemon::DaemonContext& fresh) {
    if (!held.capabilities_cut) {
        return {};
    }
    const sandbox::CapabilitySet wanted = master_capability_set(fresh);
    if (!held.kept.includes(wanted)) {
        return Error{str_cat("the new CapabilitiesEngine/CapabilitiesSet needs ", (wanted - held.kept).names(),
                             ", which the running master gave up after start-up; restart the daemon to apply it")};
    }
    return {};
}

Result<void> confine_hook_helper(const daemon::DaemonContext& context) {
    if (context.privileged) {
        if (auto applied = sandbox::apply_capabilities(sandbox::exec_helper_capabilities()); !applied) {
            return Error{str_cat("mod_exec helper: cutting capabilities: ", applied.error().message)};
        }
    }
    if (auto done = no_new_privs_and_filter(context); !done) {
        return Error{str_cat("mod_exec helper: ", done.error().message)};
    }
    return {};
}

}  // namespace ward::master
