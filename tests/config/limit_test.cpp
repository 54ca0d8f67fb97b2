// <Limit> as ProFTPD decides it (src/dirtree.c dir_check_full, check_limit; doc/howto/Limit.html).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/load.hpp"
#include "config/server.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

class LimitTest : public ::testing::Test {
protected:
    void load(std::string_view text) {
        auto config = std::make_shared<const Config>(testing::parse_ok(text));
        auto built = ServerSet::build(config);
        ASSERT_TRUE(built) << built.error().message;
        set_ = std::make_unique<ServerSet>(std::move(*built));
    }
    bool allowed(std::string_view cmd, std::string_view path, const Principal& who,
                 const Context* anon = nullptr) const {
        return set_->servers()[0].allowed(cmd, path, anon, "/home/" + who.user, who);
    }
    const Server& server() const { return set_->servers()[0]; }

    std::unique_ptr<ServerSet> set_;
    Principal bob{"bob", {"users"}, "192.168.1.10", false, {}};
    Principal alice{"alice", {"staff", "users"}, "10.1.2.3", false, {}};
};

TEST_F(LimitTest, WithoutLimitsEverythingIsAllowed) {
    load("Port 21\n");
    EXPECT_TRUE(allowed("STOR", "/srv/x", bob));
}

TEST_F(LimitTest, ARawCommandBeatsItsGroupWhichBeatsAll) {
    load("<Directory /srv>\n  <Limit ALL>\n    DenyAll\n  </Limit>\n  <Limit READ>\n    AllowAll\n  </Limit>\n"
         "  <Limit SIZE>\n    DenyAll\n  </Limit>\n</Directory>\n");
    EXPECT_TRUE(allowed("RETR", "/srv/f", bob));
    EXPECT_FALSE(allowed("SIZE", "/srv/f", bob));
    EXPECT_FALSE(allowed("DELE", "/srv/f", bob));
}

TEST_F(LimitTest, FiltersInsideALimitMatchTheCommandArgument) {
    // ProFTPD's check_limit_allow/deny: a matching AllowFilter allows past DenyAll, a matching DenyFilter denies.
    load("<Limit STOR>\n  AllowFilter \\.txt$ [NC]\n  DenyAll\n</Limit>\n<Limit DELE>\n  DenyFilter ^keep\n</Limit>\n");
    const Server& s = server();
    const std::string upper = "NOTES.TXT";
    const std::string binary = "tool.bin";
    EXPECT_TRUE(s.allowed("STOR", "/srv/NOTES.TXT", nullptr, "/home/bob", bob, &upper));
    EXPECT_FALSE(s.allowed("STOR", "/srv/tool.bin", nullptr, "/home/bob", bob, &binary));
    EXPECT_FALSE(s.allowed("STOR", "/srv/NOTES.TXT", nullptr, "/home/bob", bob));  // no command: no filter matches
    const std::string kept = "keep.me";
    EXPECT_FALSE(s.allowed("DELE", "/srv/keep.me", nullptr, "/home/bob", bob, &kept));
    EXPECT_TRUE(s.allowed("DELE", "/srv/tool.bin", nullptr, "/home/bob", bob, &binary));
}

TEST_F(LimitTest, AllDoesNotCoverDataChannelSetUp) {
    load("<Limit ALL>\n  DenyAll\n</Limit>\n");
    EXPECT_FALSE(allowed("NOOP", "", bob));
    EXPECT_TRUE(allowed("PASV", "", bob));
    EXPECT_TRUE(allowed("EPRT", "", bob));
}

TEST_F(LimitTest, AMoreSpecificDirectoryDecidesFirst) {
    load("<Directory /srv>\n  <Limit WRITE>\n    DenyAll\n  </Limit>\n</Directory>\n<Directory /srv/upload>\n"
         "  <Limit STOR>\n    AllowAll\n  </Limit>\n</Directory>\n");
    EXPECT_TRUE(allowed("STOR", "/srv/upload/f", bob));
    EXPECT_FALSE(allowed("DELE", "/srv/upload/f", bob));  // inherited from <Directory /srv>
    EXPECT_FALSE(allowed("STOR", "/srv/f", bob));
    EXPECT_TRUE(allowed("STOR", "/tmp/f", bob));
}

TEST_F(LimitTest, ACommandLimitUpTheTreeBeatsAGroupLimitCloseBy) {
    // ProFTPD looks for the command's own name in every context before it looks for the group.
    load("<Limit STOR>\n  AllowAll\n</Limit>\n<Directory /srv>\n  <Limit WRITE>\n    DenyAll\n  </Limit>\n"
         "</Directory>\n");
    EXPECT_TRUE(allowed("STOR", "/srv/f", bob));
    EXPECT_FALSE(allowed("DELE", "/srv/f", bob));
}

TEST_F(LimitTest, AllowUserAndDenyAll) {
    load("<Limit LOGIN>\n  AllowUser alice\n  DenyAll\n</Limit>\n");
    EXPECT_TRUE(allowed("LOGIN", "", alice));
    EXPECT_FALSE(allowed("LOGIN", "", bob));
}

TEST_F(LimitTest, AllowUserListIsAnOrAndNegationInverts) {
    load("<Limit DELE>\n  AllowUser carol,alice\n  DenyAll\n</Limit>\n<Limit RMD>\n  AllowUser !bob\n  DenyAll\n"
         "</Limit>\n");
    EXPECT_TRUE(allowed("DELE", "/f", alice));
    EXPECT_FALSE(allowed("DELE", "/f", bob));
    EXPECT_TRUE(allowed("RMD", "/d", alice));
    EXPECT_FALSE(allowed("RMD", "/d", bob));
}

TEST_F(LimitTest, AllowGroupListIsAnAndByDefault) {
    load("<Limit STOR>\n  AllowGroup staff,users\n  DenyAll\n</Limit>\n<Limit DELE>\n  AllowGroup OR staff,admins\n"
         "  DenyAll\n</Limit>\n");
    EXPECT_TRUE(allowed("STOR", "/f", alice));
    EXPECT_FALSE(allowed("STOR", "/f", bob));
    EXPECT_TRUE(allowed("DELE", "/f", alice));
    EXPECT_FALSE(allowed("DELE", "/f", bob));
}

TEST_F(LimitTest, DenyGroupAndRegex) {
    load("<Limit RETR>\n  DenyGroup staff\n</Limit>\n<Limit SIZE>\n  DenyUser regex ^b.b$\n</Limit>\n");
    EXPECT_FALSE(allowed("RETR", "/f", alice));
    EXPECT_TRUE(allowed("RETR", "/f", bob));
    EXPECT_FALSE(allowed("SIZE", "/f", bob));
    EXPECT_TRUE(allowed("SIZE", "/f", alice));
}

TEST_F(LimitTest, OrderAllowDenyAllowsByDefault) {
    load("<Limit LOGIN>\n  Order allow,deny\n  Deny from 10.0.0.0/8\n</Limit>\n");
    EXPECT_FALSE(allowed("LOGIN", "", alice));
    EXPECT_TRUE(allowed("LOGIN", "", bob));
}

TEST_F(LimitTest, OrderDenyAllowDeniesByDefault) {
    load("<Limit LOGIN>\n  Order deny,allow\n  Allow from 10.0.0.0/8\n</Limit>\n");
    EXPECT_TRUE(allowed("LOGIN", "", alice));
    EXPECT_FALSE(allowed("LOGIN", "", bob));
}

TEST_F(LimitTest, OrderDenyAllowLetsDenyWinOverAllow) {
    load("<Limit LOGIN>\n  Order deny,allow\n  Allow from 10.0.0.0/8\n  Deny from 10.1.0.0/16\n</Limit>\n");
    EXPECT_FALSE(allowed("LOGIN", "", alice));
}

TEST_F(LimitTest, AllowFromFormsOfAddress) {
    load("<Limit RETR>\n  Allow from 192.168.1.\n  DenyAll\n</Limit>\n<Limit STOR>\n  Allow from 10.1.2.3\n"
         "  DenyAll\n</Limit>\n<Limit DELE>\n  Allow from 10.1.2.*\n  DenyAll\n</Limit>\n<Limit MKD>\n"
         "  Allow from all\n</Limit>\n<Limit RMD>\n  Deny from none\n</Limit>\n");
    EXPECT_TRUE(allowed("RETR", "/f", bob));
    EXPECT_FALSE(allowed("RETR", "/f", alice));
    EXPECT_TRUE(allowed("STOR", "/f", alice));
    EXPECT_FALSE(allowed("STOR", "/f", bob));
    EXPECT_TRUE(allowed("DELE", "/f", alice));
    EXPECT_TRUE(allowed("MKD", "/f", bob));
    EXPECT_TRUE(allowed("RMD", "/f", bob));
}

TEST_F(LimitTest, NegatedAddressesMustAllHold) {
    load("<Limit LOGIN>\n  Order deny,allow\n  Allow from 10.0.0.0/8,!10.1.2.3\n</Limit>\n");
    EXPECT_FALSE(allowed("LOGIN", "", alice));
    Principal other = alice;
    other.address = "10.9.9.9";
    EXPECT_TRUE(allowed("LOGIN", "", other));
}

TEST_F(LimitTest, Ipv6NetworksAndMappedAddresses) {
    load("<Limit LOGIN>\n  Order deny,allow\n  Allow from 2001:db8::/32 192.168.0.0/16\n</Limit>\n");
    Principal v6 = bob;
    v6.address = "2001:db8::7";
    EXPECT_TRUE(allowed("LOGIN", "", v6));
    v6.address = "2001:db9::7";
    EXPECT_FALSE(allowed("LOGIN", "", v6));
    Principal mapped = bob;
    mapped.address = "::ffff:192.168.1.10";
    EXPECT_TRUE(allowed("LOGIN", "", mapped));
}

TEST_F(LimitTest, BeforeLoginAllowUserCountsAsAllowing) {
    load("<Limit LOGIN>\n  AllowUser alice\n  DenyAll\n</Limit>\n");
    const Principal unknown{"", {}, "10.0.0.1", false, {}};
    EXPECT_TRUE(allowed("LOGIN", "", unknown));
}

TEST_F(LimitTest, XVariantsAreLimitedWithTheirTwin) {
    load("<Limit MKD>\n  DenyAll\n</Limit>\n");
    EXPECT_FALSE(allowed("XMKD", "/d", bob));
}

TEST_F(LimitTest, GlobalLimitsApplyAfterTheServersOwn) {
    load("<Limit DELE>\n  AllowUser bob\n</Limit>\n<Global>\n  <Limit DELE>\n    DenyAll\n  </Limit>\n</Global>\n");
    EXPECT_TRUE(allowed("DELE", "/f", bob));
    EXPECT_FALSE(allowed("DELE", "/f", alice));
}

TEST_F(LimitTest, AnonymousLimitsApplyInsideTheAnonymousSession) {
    load("<Anonymous /srv/ftp>\n  User ftp\n  <Directory *>\n    <Limit WRITE>\n      DenyAll\n    </Limit>\n"
         "  </Directory>\n  <Limit LOGIN>\n    DenyAll\n  </Limit>\n</Anonymous>\n");
    const Context* anon = server().anonymous_for("ftp");
    ASSERT_NE(anon, nullptr);
    Principal ftp{"ftp", {"nogroup"}, "10.0.0.1", true, {}};
    EXPECT_FALSE(server().allowed("STOR", "/srv/ftp/pub/f", anon, "/srv/ftp", ftp));
    EXPECT_TRUE(server().allowed("RETR", "/srv/ftp/pub/f", anon, "/srv/ftp", ftp));
    EXPECT_FALSE(server().allowed("LOGIN", "", anon, "/srv/ftp", ftp));
    EXPECT_TRUE(server().allowed("LOGIN", "", nullptr, "/home/bob", bob));
}

TEST_F(LimitTest, OnlyAnonymousLoginsAsInTheLimitHowto) {
    load("<Limit LOGIN>\n  DenyAll\n</Limit>\n<Anonymous ~ftp>\n  User ftp\n  <Limit LOGIN>\n    AllowAll\n"
         "  </Limit>\n</Anonymous>\n");
    const Principal ftp{"ftp", {"ftp"}, "10.0.0.1", true, {}};
    EXPECT_TRUE(server().allowed("LOGIN", "", server().anonymous_for("ftp"), "/srv/ftp", ftp));
    EXPECT_FALSE(allowed("LOGIN", "", bob));
}

TEST_F(LimitTest, DenyAllDirectlyInADirectoryRefusesEveryCommandThere) {
    load("<Directory /srv/secret>\n  DenyAll\n</Directory>\n<Directory /srv/open>\n  DenyAll\n  AllowAll\n"
         "</Directory>\n");
    EXPECT_FALSE(allowed("RETR", "/srv/secret/f", bob));
    EXPECT_TRUE(allowed("RETR", "/srv/open/f", bob));
}

TEST_F(LimitTest, DirectoryIndexScalesToManySections) {
    std::string text;
    for (int i = 0; i < 1400; ++i) {
        text += "<Directory /srv/d" + std::to_string(i) + ">\n  <Limit WRITE>\n    DenyAll\n  </Limit>\n</Directory>\n";
    }
    load(text);
    EXPECT_FALSE(allowed("STOR", "/srv/d1399/a/b", bob));
    EXPECT_TRUE(allowed("STOR", "/srv/d14000/a", bob));
}

// IgnoreHidden (ProFTPD's check_limits): the first <Limit> naming the command, its group, then ALL, decides,
// from the most specific context outwards, whoever the <Limit>'s rules name.
TEST_F(LimitTest, IgnoreHiddenComesFromTheLimitForTheCommand) {
    load("<Directory /srv>\n  <Limit DIRS>\n    IgnoreHidden on\n  </Limit>\n  <Limit RETR>\n    DenyUser bob\n"
         "  </Limit>\n</Directory>\n<Directory /srv/open>\n  <Limit LIST>\n    IgnoreHidden off\n  </Limit>\n"
         "</Directory>\n");
    EXPECT_TRUE(server().ignore_hidden("CWD", "/srv/x", nullptr, "/home/bob"));
    EXPECT_TRUE(server().ignore_hidden("NLST", "/srv/x", nullptr, "/home/bob"));
    EXPECT_FALSE(server().ignore_hidden("RETR", "/srv/x", nullptr, "/home/bob"));  // its <Limit> says nothing
    EXPECT_FALSE(server().ignore_hidden("LIST", "/srv/open/x", nullptr, "/home/bob"));
    EXPECT_TRUE(server().ignore_hidden("CWD", "/srv/open/x", nullptr, "/home/bob"));
    EXPECT_FALSE(server().ignore_hidden("CWD", "/tmp", nullptr, "/home/bob"));
}

TEST(HideDirectives, RefusedFormsNameTheLine) {
    EXPECT_EQ(testing::parse_error("<Directory /srv>\n  HideFiles ^x user\n</Directory>\n"),
              "t.conf:2:16: HideFiles: HideFiles takes a pattern, optionally followed by user|group and an expression");
    EXPECT_NE(testing::parse_error("<Directory /srv>\n  HideFiles ^x class local\n</Directory>\n").find(
                  "a class qualifier is refused"),
              std::string::npos);
    EXPECT_NE(testing::parse_error("<Directory /srv>\n  HideFiles !(x\n</Directory>\n").find("t.conf:2:"),
              std::string::npos);
    // ProFTPD's contexts: HideFiles in <Directory> only; HideUser, HideGroup and HideNoAccess also in <Anonymous>.
    EXPECT_NE(testing::parse_error("HideFiles ^x\n").find("t.conf:1:1: HideFiles"), std::string::npos);
    EXPECT_NE(testing::parse_error("HideUser bob\n").find("t.conf:1:1: HideUser"), std::string::npos);
    testing::parse_ok("<Anonymous /srv>\n  User ftp\n  HideUser !~\n  HideGroup staff\n  HideNoAccess on\n"
                      "  <Directory pub>\n    HideFiles none user a,!b\n    HideFiles ^\\. group staff\n"
                      "  </Directory>\n</Anonymous>\n");
}

}  // namespace
}  // namespace ward::config
