// ModuleControlsACLs as ProFTPD's ctrls ACLs: default deny, allow/deny lists per user and group, "*".
#include "modules/controls.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ward::modules {
namespace {

ControlRule rule(std::string actions, std::string verdict, std::string kind, std::string names) {
    return control_rule(config::Directive{"ModuleControlsACLs", {std::move(actions), std::move(verdict),
                                                                 std::move(kind), std::move(names)}, {}});
}

const Peer kAlice{1000, 1000, "alice", "staff"};
const Peer kBob{1001, 100, "bob", "users"};

TEST(ControlAcl, WithoutRulesEveryoneIsDenied) {
    EXPECT_FALSE(control_allowed({}, "lsmod", kAlice));
    EXPECT_FALSE(control_allowed({}, "insmod", Peer{0, 0, "root", "root"}));
}

TEST(ControlAcl, AllowUserListAllowsOnlyThoseUsersForThoseActions) {
    const std::vector<ControlRule> rules{rule("insmod,rmmod", "allow", "user", "alice")};
    EXPECT_TRUE(control_allowed(rules, "insmod", kAlice));
    EXPECT_TRUE(control_allowed(rules, "rmmod", kAlice));
    EXPECT_FALSE(control_allowed(rules, "lsmod", kAlice));
    EXPECT_FALSE(control_allowed(rules, "insmod", kBob));
}

TEST(ControlAcl, DenyListAllowsEveryoneElseAndTheLastRuleOfAKindWins) {
    std::vector<ControlRule> rules{rule("all", "deny", "user", "bob")};
    EXPECT_TRUE(control_allowed(rules, "lsmod", kAlice));
    EXPECT_FALSE(control_allowed(rules, "lsmod", kBob));
    rules.push_back(rule("lsmod", "allow", "user", "bob"));
    EXPECT_TRUE(control_allowed(rules, "lsmod", kBob));
    EXPECT_FALSE(control_allowed(rules, "lsmod", kAlice));
}

TEST(ControlAcl, GroupRuleOrUserRuleEitherAllows) {
    const std::vector<ControlRule> rules{rule("all", "allow", "group", "staff"), rule("all", "allow", "user", "*")};
    EXPECT_TRUE(control_allowed(rules, "rmmod", kAlice));
    EXPECT_TRUE(control_allowed(rules, "rmmod", kBob));
    const std::vector<ControlRule> only_group{rule("all", "allow", "group", "staff")};
    EXPECT_FALSE(control_allowed(only_group, "rmmod", kBob));
}

TEST(ControlRequest, ParsesTheThreeActionsAndRefusesTheRest) {
    EXPECT_EQ(parse_control_request("lsmod")->action, "lsmod");
    EXPECT_EQ(parse_control_request("insmod mod_x.c")->argument, "mod_x.c");
    EXPECT_EQ(parse_control_request("RMMOD mod_x.c")->action, "rmmod");
    EXPECT_FALSE(parse_control_request("insmod"));
    EXPECT_FALSE(parse_control_request("lsmod extra"));
    EXPECT_NE(parse_control_request("shutdown").error().message.find("unknown action"), std::string::npos);
    EXPECT_NE(parse_control_request("insmod " + std::string(kMaxControlRequest, 'a')).error().message.find(
                  "longer than 1024 bytes"),
              std::string::npos);
}

}  // namespace
}  // namespace ward::modules
