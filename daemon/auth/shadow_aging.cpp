#include "daemon/auth/shadow_aging.hpp"

#include <shadow.h>
#include <strings.h>

#include <ctime>

#include "base/strings.hpp"
#include "daemon/auth/nss_buffer.hpp"

namespace ward::auth {

std::optional<AgingRefusal> aging_refusal(const ShadowAging& aging, long today) {
    if (aging.expire >= 0 && today >= aging.expire) {
        return AgingRefusal{"Account disabled", str_cat("the account expired on day ", aging.expire)};
    }
    if (aging.last_change == 0) {
        return AgingRefusal{"Password expired", "the password must be changed before the next login"};
    }
    if (aging.last_change > 0 && aging.max_days >= 0 && today - aging.last_change > aging.max_days) {
        if (aging.inactive >= 0 && today - aging.last_change > aging.max_days + aging.inactive) {
            return AgingRefusal{"Account disabled", "the password expired and the inactivity period is over"};
        }
        return AgingRefusal{"Password expired", str_cat("last changed on day ", aging.last_change,
                                                        ", maximum age ", aging.max_days, " days")};
    }
    return std::nullopt;
}

std::optional<ShadowAging> shadow_aging(std::string_view name) {
    const std::string key(name);
    spwd sp{};
    spwd* found = nullptr;
    std::string buffer;
    const bool ok = nss_lookup(buffer, [&](char* data, std::size_t size) {
        return ::getspnam_r(key.c_str(), &sp, data, size, &found);
    });
    std::optional<ShadowAging> aging;
    if (ok && found != nullptr) {
        aging = ShadowAging{found->sp_lstchg, found->sp_max, found->sp_inact, found->sp_expire};
    }
    ::explicit_bzero(buffer.data(), buffer.size());
    return aging;
}

long days_since_epoch() { return static_cast<long>(std::time(nullptr) / 86400); }

}  // namespace ward::auth
