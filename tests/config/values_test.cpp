// Typed accessors and command groups.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/command_groups.hpp"
#include "config/values.hpp"

namespace ward::config {
namespace {

Directive make(std::vector<std::string> args) { return Directive{"X", std::move(args), {}}; }

TEST(Values, BooleansAcceptProftpdsWords) {
    for (const char* yes : {"on", "ON", "yes", "true", "1"}) {
        EXPECT_EQ(parse_bool(yes), true) << yes;
    }
    for (const char* no : {"off", "No", "false", "0"}) {
        EXPECT_EQ(parse_bool(no), false) << no;
    }
    EXPECT_FALSE(parse_bool("maybe"));
}

TEST(Values, TypedAccessors) {
    EXPECT_TRUE(as_bool(make({"on"})));
    EXPECT_EQ(as_unsigned(make({"42"})), 42U);
    EXPECT_EQ(as_port(make({"2121"})), 2121);
    EXPECT_EQ(as_seconds(make({"600"})).count(), 600);
    EXPECT_EQ(as_mode(make({"027"})), 027U);
    const auto range = as_port_range(make({"49152", "65534"}));
    EXPECT_EQ(range.first, 49152);
    EXPECT_EQ(range.last, 65534);
}

TEST(Values, UmaskWithOneValueAppliesToDirectoriesToo) {
    EXPECT_EQ(as_umask(make({"022"})).directories, 022U);
    const auto two = as_umask(make({"022", "077"}));
    EXPECT_EQ(two.files, 022U);
    EXPECT_EQ(two.directories, 077U);
}

TEST(Values, HiddenStoresPrefixAndSuffixAsProftpdBuildsThem) {
    const auto on = as_hidden_stores(make({"on"}), 42);
    EXPECT_TRUE(on.enabled);
    EXPECT_EQ(on.prefix + "f" + on.suffix, ".in.f.");
    EXPECT_FALSE(as_hidden_stores(make({"off"}), 42).enabled);
    const auto bare = as_hidden_stores(make({"foobar"}), 42);
    EXPECT_TRUE(bare.enabled);
    EXPECT_EQ(bare.prefix + "f" + bare.suffix, ".foobar.f.");
    const auto dotted = as_hidden_stores(make({".off."}), 42);
    EXPECT_TRUE(dotted.enabled);
    EXPECT_EQ(dotted.prefix, ".off.");
    const auto suffix = as_hidden_stores(make({"foobar-", "-quxx"}), 42);
    EXPECT_EQ(suffix.prefix + "f" + suffix.suffix, "foobar-f-quxx");
    EXPECT_EQ(as_hidden_stores(make({".in.", ".%P"}), 4062).suffix, ".4062");
}

TEST(Values, AccessorsOnAnAbsentArgumentReturnZero) {
    EXPECT_EQ(as_unsigned(make({})), 0U);
    EXPECT_FALSE(as_bool(make({})));
}

TEST(CommandGroups, GroupsAsProftpdDefinesThem) {
    EXPECT_EQ(command_group("RETR"), "READ");
    EXPECT_EQ(command_group("size"), "READ");
    EXPECT_EQ(command_group("STOR"), "WRITE");
    EXPECT_EQ(command_group("XRMD"), "WRITE");
    EXPECT_EQ(command_group("LIST"), "DIRS");
    EXPECT_EQ(command_group("MLSD"), "DIRS");
    EXPECT_EQ(command_group("NOOP"), "");
}

TEST(CommandGroups, AllLeavesOutLoginAndDataChannelSetUp) {
    EXPECT_TRUE(command_in_group("STOR", "ALL"));
    EXPECT_TRUE(command_in_group("NOOP", "ALL"));
    for (const char* cmd : {"LOGIN", "EPRT", "EPSV", "PASV", "PORT", "PROT", "OPTS"}) {
        EXPECT_FALSE(command_in_group(cmd, "ALL")) << cmd;
    }
    EXPECT_TRUE(command_in_group("LOGIN", "LOGIN"));
}

TEST(CommandGroups, XVariantTwinsNameEachOther) {
    EXPECT_TRUE(command_in_group("XMKD", "MKD"));
    EXPECT_TRUE(command_in_group("CDUP", "XCUP"));
    EXPECT_FALSE(command_in_group("XCWD", "CWD"));  // ProFTPD pairs only CDUP, MKD, PWD and RMD
}

TEST(CommandGroups, ExecCommandListsTakeCommandsGroupsAndAll) {
    EXPECT_TRUE(command_list_matches("STOR,RETR", "retr"));
    EXPECT_FALSE(command_list_matches("STOR,RETR", "DELE"));
    EXPECT_TRUE(command_list_matches("WRITE", "DELE"));
    EXPECT_TRUE(command_list_matches("READ", "RETR"));
    EXPECT_TRUE(command_list_matches("ALL", "PASV"));
    EXPECT_FALSE(command_list_matches("", "STOR"));
}

TEST(CommandGroups, SiteSubcommandsAndNewVerbsCarryTheirGroups) {
    EXPECT_EQ(command_group("SITE_CHMOD"), "WRITE");
    EXPECT_EQ(command_group("SITE_CHGRP"), "WRITE");
    EXPECT_EQ(command_group("SITE_UTIME"), "WRITE");
    EXPECT_EQ(command_group("MFMT"), "WRITE");
    EXPECT_EQ(command_group("MFF"), "WRITE");
    EXPECT_TRUE(command_in_group("SITE_CHMOD", "WRITE"));
    EXPECT_TRUE(command_in_group("PWD", "ALL"));
    EXPECT_EQ(command_twin("XPWD"), "PWD");
    EXPECT_EQ(command_twin("XCWD"), "");
}

TEST(CommandGroups, ModulesOwnTheVerbsTheTableGivesThem) {
    const auto ls = module_verbs("mod_ls.c");
    EXPECT_NE(std::find(ls.begin(), ls.end(), "MLSD"), ls.end());
    const auto site = module_verbs("mod_site.c");
    ASSERT_EQ(site.size(), 1U);
    EXPECT_EQ(site[0], "SITE");
}

}  // namespace
}  // namespace ward::config
