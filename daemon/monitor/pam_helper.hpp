#pragma once
// mod_auth_pam.c's backend in the AuthOrder chain. PAM modules are arbitrary shared objects named by
// /etc/pam.d; they never run in the long-lived monitor. Each attempt forks a helper that:
//   - keeps uid 0 (pam_unix reads /etc/shadow as root) but holds no capability and sets no_new_privs,
//   - holds no descriptor but its end of a socketpair to the monitor (its own name is "ward-pam"),
//   - runs under the pam_helper seccomp deny-list (sandbox/policies.hpp) stacked on the monitor's,
//   - dies with the monitor (PR_SET_PDEATHSIG),
//   - sends one bounded, typed answer (pam_answer.hpp) and exits.
// A helper that does not answer within the timeout is killed; one that crashes or answers garbage is an
// error. Either way the attempt ends with "530 Login incorrect." and the monitor carries on.
#include <sys/types.h>

#include <chrono>
#include <string>

#include "daemon/auth/authenticator.hpp"
#include "sandbox/seccomp_policy.hpp"

namespace ward::monitor {

struct PamHelperSetup {
    const auth::AuthSettings* settings = nullptr;     // AuthPAMConfig, AuthPAMOptions
    const sandbox::CompiledPolicy* policy = nullptr;  // the pam_helper policy; nullptr: none (tests only)
    std::string client_address;                       // PAM_RHOST
    std::chrono::milliseconds timeout{30000};
};

class PamHelper final : public auth::Backend {
public:
    explicit PamHelper(PamHelperSetup setup) : setup_(std::move(setup)) {}
    [[nodiscard]] auth::BackendAnswer authenticate(std::string_view name, std::string_view password) override;
    // PAM holds no accounts: a PAM login's account comes from the order's other sources.
    [[nodiscard]] std::optional<auth::PasswdEntry> find(std::string_view /*name*/) override { return std::nullopt; }

private:
    PamHelperSetup setup_;
};

}  // namespace ward::monitor
