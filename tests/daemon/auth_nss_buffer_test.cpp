#include "daemon/auth/nss_buffer.hpp"

#include <grp.h>
#include <pwd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/auth/system_users.hpp"

namespace ward::auth {
namespace {

TEST(NssBuffer, StartsSmallAndDoublesOnErange) {
    std::vector<std::size_t> sizes;
    std::string buffer;
    const bool ok = nss_lookup(buffer, [&](char* data, std::size_t size) {
        sizes.push_back(size);
        if (size < 5000) {
            data[0] = 'h';  // a partial entry, wiped before the buffer grows
            return ERANGE;
        }
        return 0;
    });
    EXPECT_TRUE(ok);
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1024, 2048, 4096, 8192}));
}

TEST(NssBuffer, GivesUpAtTheLimitAndOnOtherErrors) {
    std::string buffer;
    std::size_t largest = 0;
    EXPECT_FALSE(nss_lookup(buffer, [&](char*, std::size_t size) {
        largest = size;
        return ERANGE;
    }));
    EXPECT_EQ(largest, kMaxNssBufferBytes);
    EXPECT_FALSE(nss_lookup(buffer, [](char*, std::size_t) { return EIO; }));
}

TEST(NssBuffer, RealLookupsFitTheFirstBuffer) {
    const auto root = system_user("root");
    ASSERT_TRUE(root.has_value());
    EXPECT_EQ(root->uid, 0U);
    EXPECT_EQ(system_user_by_uid(0)->name, "root");
    EXPECT_EQ(system_group_id("root"), gid_t{0});
    EXPECT_EQ(system_group_name(0), "root");
    EXPECT_FALSE(system_user("no-such-user-wardftpd").has_value());
}

}  // namespace
}  // namespace ward::auth
