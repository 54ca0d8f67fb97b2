#pragma once
// Shadow account and password aging (shadow(5)), checked on the mod_auth_unix.c path after the password
// matched: the same decisions pam_unix's account stage makes, logged in ProFTPD's words.
#include <optional>
#include <string>
#include <string_view>

namespace ward::auth {

// The aging fields of a shadow entry, in days since 1970-01-01; -1 where the field is empty.
struct ShadowAging {
    long last_change = -1;  // sp_lstchg; 0 means "must change at next login"
    long max_days = -1;     // sp_max
    long inactive = -1;     // sp_inact
    long expire = -1;       // sp_expire
};

struct AgingRefusal {
    std::string words;   // ProFTPD's log words: "Account disabled" or "Password expired"
    std::string detail;  // the shadow fact that decided it
};

// Why the account may not log in today; nullopt when it may.
[[nodiscard]] std::optional<AgingRefusal> aging_refusal(const ShadowAging& aging, long today);

// The aging fields of a system account (getspnam_r); nullopt when it has no shadow entry.
[[nodiscard]] std::optional<ShadowAging> shadow_aging(std::string_view name);

// Days since 1970-01-01, now.
[[nodiscard]] long days_since_epoch();

}  // namespace ward::auth
