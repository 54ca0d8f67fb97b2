#include "daemon/auth/password.hpp"

#include <gtest/gtest.h>

namespace ward::auth {
namespace {

TEST(Password, VerifiesEveryCommonMethod) {
    for (const char* prefix : {"$y$", "$6$", "$5$", "$2b$"}) {
        const std::string hash = hash_password("correct horse", prefix);
        ASSERT_FALSE(hash.empty()) << prefix;
        EXPECT_TRUE(hash.starts_with(prefix)) << hash;
        EXPECT_TRUE(verify_password("correct horse", hash)) << prefix;
        EXPECT_FALSE(verify_password("correct horsf", hash)) << prefix;
        EXPECT_FALSE(verify_password("", hash)) << prefix;
    }
}

TEST(Password, LockedHashesNeverMatch) {
    for (const char* hash : {"", "*", "!", "!$6$abc$def", "x", "*LK*"}) {
        EXPECT_FALSE(verify_password("", hash)) << hash;
        EXPECT_FALSE(verify_password("anything", hash)) << hash;
    }
}

TEST(Password, EmbeddedNulNeverMatches) {
    const std::string hash = hash_password("abc", "$6$");
    EXPECT_FALSE(verify_password(std::string_view("abc\0def", 7), hash));
}

}  // namespace
}  // namespace ward::auth
