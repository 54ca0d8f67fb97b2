// Shadow aging on the mod_auth_unix.c path: the decisions `chage -E 0` and `chage -d 0 -M 1` lead to.
#include "daemon/auth/shadow_aging.hpp"

#include <gtest/gtest.h>

namespace ward::auth {
namespace {

constexpr long kToday = 20'000;

TEST(ShadowAging, NoAgingFieldsMeansNoRefusal) { EXPECT_FALSE(aging_refusal({}, kToday)); }

TEST(ShadowAging, ExpiredAccountIsDisabled) {
    const auto refusal = aging_refusal({.last_change = 19'000, .expire = 0}, kToday);  // chage -E 0
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->words, "Account disabled");
    EXPECT_FALSE(aging_refusal({.last_change = 19'000, .expire = kToday + 1}, kToday));
    EXPECT_TRUE(aging_refusal({.last_change = 19'000, .expire = kToday}, kToday));
}

TEST(ShadowAging, PasswordThatMustChangeHasExpired) {
    const auto refusal = aging_refusal({.last_change = 0, .max_days = 1}, kToday);  // chage -d 0 -M 1
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->words, "Password expired");
}

TEST(ShadowAging, PasswordOlderThanItsMaximumAge) {
    EXPECT_EQ(aging_refusal({.last_change = kToday - 10, .max_days = 5}, kToday)->words, "Password expired");
    EXPECT_FALSE(aging_refusal({.last_change = kToday - 5, .max_days = 5}, kToday));
    EXPECT_EQ(aging_refusal({.last_change = kToday - 10, .max_days = 5, .inactive = 2}, kToday)->words,
              "Account disabled");
    EXPECT_FALSE(aging_refusal({.last_change = kToday - 10, .max_days = -1}, kToday));
}

}  // namespace
}  // namespace ward::auth
