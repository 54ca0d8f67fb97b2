// <Class> sections (From, Satisfy) and the <Limit> rules that name a class (AllowClass, DenyClass), as ProFTPD
// 1.3.8 reads them (src/class.c, src/netacl.c, src/dirtree.c check_class_access; doc/howto/Classes.html).
#include <gtest/gtest.h>

#include <memory>

#include "config/access_rules.hpp"
#include "config/load.hpp"
#include "config/server.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

std::unique_ptr<ServerSet> build(std::string_view text) {
    auto config = std::make_shared<const Config>(testing::parse_ok(text));
    auto built = ServerSet::build(config);
    EXPECT_TRUE(built) << built.error().message;
    return built ? std::make_unique<ServerSet>(std::move(*built)) : nullptr;
}

std::string class_for(std::string_view text, std::string_view address) {
    const auto set = build(text);
    return set ? set->servers()[0].class_of(address) : std::string("?");
}

TEST(ConfigClass, FromAddressesNetworksAndAll) {
    EXPECT_EQ(class_for("<Class local>\n  From 127.0.0.1\n</Class>\n", "127.0.0.1"), "local");
    EXPECT_EQ(class_for("<Class local>\n  From 127.0.0.1\n</Class>\n", "127.0.0.2"), "");
    EXPECT_EQ(class_for("<Class lan>\n  From 10.0.0.0/8\n</Class>\n", "10.2.3.4"), "lan");
    EXPECT_EQ(class_for("<Class lan>\n  From 10.0.0.0/8\n</Class>\n", "11.2.3.4"), "");
    EXPECT_EQ(class_for("<Class lan>\n  From 10.0.0.0/8\n</Class>\n", "::ffff:10.2.3.4"), "lan");
    EXPECT_EQ(class_for("<Class v6>\n  From 2001:db8::/32\n</Class>\n", "2001:db8::1"), "v6");
    EXPECT_EQ(class_for("<Class any>\n  From all\n</Class>\n", "192.0.2.1"), "any");
    EXPECT_EQ(class_for("<Class nobody>\n  From none\n</Class>\n", "192.0.2.1"), "");
    EXPECT_EQ(class_for("<Class prefix>\n  From 192.168.1.\n</Class>\n", "192.168.1.77"), "prefix");
    EXPECT_EQ(class_for("<Class list>\n  From 192.0.2.1, 192.0.2.2 192.0.2.3\n</Class>\n", "192.0.2.3"), "list");
}

TEST(ConfigClass, ANegatedEntryHoldsForEveryOtherAddress) {
    // pr_netacl_match: "!127.0.0.2" is satisfied by any address but 127.0.0.2
    EXPECT_EQ(class_for("<Class c>\n  From !127.0.0.2\n</Class>\n", "127.0.0.1"), "c");
    EXPECT_EQ(class_for("<Class c>\n  From !127.0.0.2\n</Class>\n", "127.0.0.2"), "");
    EXPECT_EQ(class_for("<Class c>\n  From !126.0.0.0/8\n</Class>\n", "127.0.0.1"), "c");
    // a host name never matches here (no reverse DNS), so its negation always holds
    EXPECT_EQ(class_for("<Class c>\n  From localhost\n</Class>\n", "127.0.0.1"), "");
    EXPECT_EQ(class_for("<Class c>\n  From !remotehost\n</Class>\n", "127.0.0.1"), "c");
}

TEST(ConfigClass, SatisfyAnyNeedsOneRuleAndAllNeedsEvery) {
    const std::string rules = "  From 1.2.3.4\n  From 127.0.0.0/8\n  From !127.0.0.9\n";
    EXPECT_EQ(class_for("<Class c>\n" + rules + "</Class>\n", "127.0.0.1"), "c");
    EXPECT_EQ(class_for("<Class c>\n" + rules + "  Satisfy any\n</Class>\n", "1.2.3.4"), "c");
    EXPECT_EQ(class_for("<Class c>\n" + rules + "  Satisfy all\n</Class>\n", "127.0.0.1"), "");  // not 1.2.3.4
    EXPECT_EQ(class_for("<Class c>\n  From 127.0.0.0/8\n  From !127.0.0.9\n  Satisfy all\n</Class>\n", "127.0.0.1"),
              "c");
    EXPECT_EQ(class_for("<Class c>\n  From 127.0.0.0/8\n  From !127.0.0.9\n  Satisfy all\n</Class>\n", "127.0.0.9"),
              "");
}

TEST(ConfigClass, TheFirstMatchingClassInFileOrderWinsAndGlobalOnesCount) {
    const std::string text =
        "<Class first>\n  From 10.0.0.0/8\n</Class>\n<Global>\n  <Class second>\n    From all\n  </Class>\n"
        "</Global>\n<VirtualHost 192.0.2.10>\n  Port 2121\n</VirtualHost>\n";
    const auto set = build(text);
    ASSERT_TRUE(set);
    EXPECT_EQ(set->servers()[0].class_of("10.1.1.1"), "first");
    EXPECT_EQ(set->servers()[0].class_of("192.0.2.1"), "second");
    EXPECT_EQ(set->servers()[1].class_of("10.1.1.1"), "first");  // classes are global in ProFTPD
}

TEST(ConfigClass, AClassWithoutFromIsLeftOutWithAWarning) {
    const Config config = testing::parse_ok("<Class empty>\n  Satisfy all\n</Class>\n");
    ASSERT_EQ(config.warnings.size(), 1U);
    EXPECT_NE(config.warnings[0].find("t.conf:1"), std::string::npos) << config.warnings[0];
    EXPECT_NE(config.warnings[0].find("no From rule"), std::string::npos) << config.warnings[0];
    EXPECT_TRUE(compile_classes(config.root).empty());
}

TEST(ConfigClass, SyntaxErrorsNameTheLine) {
    EXPECT_NE(testing::parse_error("<Class>\n  From all\n</Class>\n").find("t.conf:1"), std::string::npos);
    EXPECT_NE(testing::parse_error("<Class a b>\n  From all\n</Class>\n").find("takes one class name"),
              std::string::npos);
    EXPECT_NE(testing::parse_error("<Class a>\n  Satisfy some\n</Class>\n").find("t.conf:2"), std::string::npos);
    EXPECT_NE(testing::parse_error("<Class a>\n  From all 10.0.0.1\n</Class>\n").find("stand alone"),
              std::string::npos);
    // From belongs in <Class>, <Class> in the server config or <Global>
    EXPECT_NE(testing::parse_error("<Limit LOGIN>\n  From all\n</Limit>\n").find("t.conf:2"), std::string::npos);
    EXPECT_NE(testing::parse_error("<VirtualHost 192.0.2.1>\n  <Class a>\n    From all\n  </Class>\n</VirtualHost>\n")
                  .find("t.conf:2"),
              std::string::npos);
    EXPECT_NE(testing::parse_error("MaxClientsPerClass a zero\n").find("t.conf:1"), std::string::npos);
}

TEST(ConfigClass, ConvertsToTomlAndBack) {
    const Config config = testing::parse_ok(
        "<Class lan>\n  From 10.0.0.0/8 !10.9.9.9\n  From 192.168.1.\n  Satisfy any\n</Class>\nMaxClientsPerClass lan 3 "
        "\"full (%m)\"\n<Limit LOGIN>\n  AllowClass lan\n  DenyAll\n</Limit>\n");
    const std::string toml = to_toml(config);
    const Config again = testing::toml_ok(toml);
    EXPECT_TRUE(equivalent(config, again)) << toml;
    EXPECT_EQ(compile_classes(again.root).size(), 1U) << toml;
}

class ClassLimitTest : public ::testing::Test {
protected:
    bool login_allowed(std::string_view text, std::string_view address) {
        set_ = build(text);
        if (!set_) {
            return false;
        }
        const Server& server = set_->servers()[0];
        Principal who{"bob", {"users"}, std::string(address), false, {}};
        who.conn_class = server.class_of(address);
        return server.allowed("LOGIN", "", nullptr, "/home/bob", who);
    }
    std::unique_ptr<ServerSet> set_;
};

TEST_F(ClassLimitTest, AllowClassAndDenyClassDecideForTheSessionsClass) {
    const std::string cls = "<Class local>\n  From 127.0.0.1\n</Class>\n";
    const std::string allow = cls + "<Limit LOGIN>\n  Order allow,deny\n  AllowClass local\n  DenyAll\n</Limit>\n";
    EXPECT_TRUE(login_allowed(allow, "127.0.0.1"));
    EXPECT_FALSE(login_allowed(allow, "127.0.0.2"));  // in no class: AllowClass does not apply, DenyAll does
    const std::string deny = cls + "<Limit LOGIN>\n  DenyClass local\n</Limit>\n";
    EXPECT_FALSE(login_allowed(deny, "127.0.0.1"));
    EXPECT_TRUE(login_allowed(deny, "127.0.0.2"));
    // a class name that is not defined never matches
    EXPECT_FALSE(login_allowed(cls + "<Limit LOGIN>\n  AllowClass other\n  DenyAll\n</Limit>\n", "127.0.0.1"));
}

TEST_F(ClassLimitTest, ClassListsNegationAndRegex) {
    const std::string cls = "<Class local>\n  From 127.0.0.1\n</Class>\n";
    EXPECT_TRUE(login_allowed(cls + "<Limit LOGIN>\n  AllowClass other,local\n  DenyAll\n</Limit>\n", "127.0.0.1"));
    EXPECT_TRUE(login_allowed(cls + "<Limit LOGIN>\n  DenyClass !local\n</Limit>\n", "127.0.0.1"));
    EXPECT_FALSE(login_allowed(cls + "<Limit LOGIN>\n  DenyClass !other\n</Limit>\n", "127.0.0.1"));
    EXPECT_TRUE(login_allowed(cls + "<Limit LOGIN>\n  AllowClass regex ^lo\n  DenyAll\n</Limit>\n", "127.0.0.1"));
    EXPECT_FALSE(login_allowed(cls + "<Limit LOGIN>\n  AllowClass AND local,!local\n  DenyAll\n</Limit>\n",
                               "127.0.0.1"));
}

TEST(ConfigClass, LimitLoginAtConnectTimeAsProftpdsLoginCheckLimits) {
    const auto connect_allowed = [](std::string_view text, std::string_view address) {
        const auto set = build(text);
        if (!set) {
            return false;
        }
        const Server& server = set->servers()[0];
        Principal who;
        who.address = std::string(address);
        who.conn_class = server.class_of(address);
        return server.connection_allowed(who);
    };
    const std::string cls = "<Class local>\n  From 127.0.0.1\n</Class>\n";
    EXPECT_TRUE(connect_allowed(cls, "127.0.0.1"));  // no LOGIN rule: allowed
    EXPECT_FALSE(connect_allowed(cls + "<Limit LOGIN>\n  AllowClass foo\n  DenyAll\n</Limit>\n", "127.0.0.1"));
    EXPECT_TRUE(connect_allowed(cls + "<Limit LOGIN>\n  AllowClass local\n  DenyAll\n</Limit>\n", "127.0.0.1"));
    EXPECT_FALSE(connect_allowed(cls + "<Limit LOGIN>\n  AllowClass local\n  DenyAll\n</Limit>\n", "127.0.0.2"));
    EXPECT_FALSE(connect_allowed("<Limit LOGIN>\n  Deny from 10.0.0.0/8\n</Limit>\n", "10.1.1.1"));
    EXPECT_TRUE(connect_allowed("<Limit LOGIN>\n  Deny from 10.0.0.0/8\n</Limit>\n", "11.1.1.1"));
    // before a user is known AllowUser counts as allowing; DenyUser does not apply
    EXPECT_TRUE(connect_allowed("<Limit LOGIN>\n  AllowUser bob\n  DenyAll\n</Limit>\n", "10.1.1.1"));
    EXPECT_TRUE(connect_allowed("<Limit LOGIN>\n  DenyUser bob\n</Limit>\n", "10.1.1.1"));
    // server rules that only deny: an <Anonymous> whose LOGIN rule allows lets the client in (to log in there)
    EXPECT_TRUE(connect_allowed("<Limit LOGIN>\n  DenyAll\n</Limit>\n<Anonymous /srv/ftp>\n  User ftp\n"
                                "  <Limit LOGIN>\n    AllowAll\n  </Limit>\n</Anonymous>\n",
                                "10.1.1.1"));
    EXPECT_FALSE(connect_allowed("<Limit LOGIN>\n  DenyAll\n</Limit>\n<Anonymous /srv/ftp>\n  User ftp\n"
                                 "  <Limit LOGIN>\n    DenyAll\n  </Limit>\n</Anonymous>\n",
                                 "10.1.1.1"));
    // <Global>'s rules count as the server's own
    EXPECT_FALSE(connect_allowed("<Global>\n  <Limit LOGIN>\n    DenyAll\n  </Limit>\n</Global>\n", "10.1.1.1"));
}

}  // namespace
}  // namespace ward::config
