// AuthOrder: every module name ProFTPD 1.3.8 accepts is served or refused with a reason, the '*' suffix is
// kept, and a name wardftpd does not know fails -t at its file:line.
#include <gtest/gtest.h>

#include "config/auth_modules.hpp"
#include "helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;
using testing::parse_ok;

TEST(AuthOrder, ServedModulesAndTheAuthoritativeSuffix) {
    EXPECT_EQ(*parse_auth_order_entry("mod_auth_pam.c*"), (AuthOrderEntry{AuthModule::pam, true}));
    EXPECT_EQ(*parse_auth_order_entry("mod_auth_pam.c"), (AuthOrderEntry{AuthModule::pam, false}));
    EXPECT_EQ(*parse_auth_order_entry("mod_auth_unix.c"), (AuthOrderEntry{AuthModule::system, false}));
    EXPECT_EQ(*parse_auth_order_entry("mod_auth_file.c*"), (AuthOrderEntry{AuthModule::file, true}));
    EXPECT_EQ(*parse_auth_order_entry("mod_sql.c"), (AuthOrderEntry{AuthModule::sql, false}));
    EXPECT_EQ(*parse_auth_order_entry("mod_sql.c*"), (AuthOrderEntry{AuthModule::sql, true}));
}

TEST(AuthOrder, ModulesWardftpdHasNotGotAreRefusedWithAWayOut) {
    EXPECT_NE(parse_auth_order_entry("mod_ldap.c").error().message.find("pam_ldap"), std::string::npos);
    EXPECT_NE(parse_auth_order_entry("mod_radius.c*").error().message.find("pam_radius_auth"), std::string::npos);
    EXPECT_FALSE(parse_auth_order_entry("mod_auth_otp.c"));
}

TEST(AuthOrder, DebiansDefaultLineParsesWithEveryEntry) {
    const Config config = parse_ok("AuthOrder mod_auth_pam.c* mod_auth_unix.c\n");
    const Directive* order = config.root.find("AuthOrder");
    ASSERT_NE(order, nullptr);
    EXPECT_EQ(order->args, (std::vector<std::string>{"mod_auth_pam.c*", "mod_auth_unix.c"}));
}

TEST(AuthOrder, UnknownOrRefusedNamesFailAtTheirFileAndLine) {
    EXPECT_EQ(parse_error("ServerName x\nAuthOrder mod_auth_unix.c mod_auth_nis.c\n"),
              "t.conf:2:27: AuthOrder: 'mod_auth_nis.c' is not an authentication module wardftpd knows "
              "(mod_auth_file.c, mod_auth_unix.c, mod_auth_pam.c, mod_sql.c, each optionally followed by * to make "
              "its answer final)");
    EXPECT_NE(parse_error("AuthOrder mod_ldap.c mod_auth_unix.c\n").find("t.conf:1:11: AuthOrder: wardftpd has no mod_ldap.c"),
              std::string::npos);
}

}  // namespace
}  // namespace ward::config
