#pragma once
// The PAM helper's one message to its monitor (ipc::MessageType::pam_answer): a verdict and a log reason,
// bounded. The monitor decodes it like any message from a process it does not trust: the helper runs
// arbitrary PAM modules.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::monitor {

// What PAM said, in the classes ProFTPD's mod_auth_pam maps PAM's return codes to.
enum class PamResult : std::uint8_t {
    ok = 0,              // pam_authenticate, pam_acct_mgmt, pam_open_session and pam_setcred succeeded
    no_such_user = 1,    // PAM_USER_UNKNOWN
    bad_password = 2,    // PAM_AUTH_ERR and every other authentication failure
    account_disabled = 3,  // PAM_ACCT_EXPIRED, PAM_PERM_DENIED from the account stage, pam_open_session refusals
    password_expired = 4,  // PAM_NEW_AUTHTOK_REQD, PAM_AUTHTOK_EXPIRED, PAM_CRED_EXPIRED
    service_error = 5,     // PAM could not run (pam_start failed, the service file is missing, a module errored)
};
inline constexpr std::uint8_t kLastPamResult = 5;

struct PamAnswer {
    PamResult result = PamResult::service_error;
    std::string detail;  // pam_strerror and the stage, for the log (at most kMaxPamDetail bytes)
    bool operator==(const PamAnswer&) const = default;
};
inline constexpr std::size_t kMaxPamDetail = 256;

// The whole message (header included); the detail is cut to kMaxPamDetail.
[[nodiscard]] std::string encode_pam_answer(const PamAnswer& answer);
// nullopt unless `message` is exactly one well-formed pam_answer.
[[nodiscard]] std::optional<PamAnswer> decode_pam_answer(std::string_view message);

}  // namespace ward::monitor
