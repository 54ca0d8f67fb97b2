// ServerSet: vhost selection, <Global> inheritance, per-path lookups, <Anonymous> selection, build checks.
#include <gtest/gtest.h>

#include <memory>

#include "config/load.hpp"
#include "config/server.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

ServerSet build(std::string_view text, const BuildOptions& options = {}) {
    auto config = std::make_shared<const Config>(testing::parse_ok(text));
    auto set = ServerSet::build(config, options);
    EXPECT_TRUE(set) << (set ? std::string() : set.error().message);
    return std::move(*set);
}

std::string build_error(std::string_view text) {
    auto config = std::make_shared<const Config>(testing::parse_ok(text));
    auto set = ServerSet::build(config);
    EXPECT_FALSE(set);
    return set ? std::string() : set.error().message;
}

std::string arg0(const Directive* d) { return d == nullptr ? std::string("(none)") : d->args.at(0); }

constexpr std::string_view kTwoServers =
    "ServerName main\nPort 2121\n<Global>\n  Umask 027\n  ServerIdent off\n</Global>\n"
    "<VirtualHost 10.0.0.5 10.0.0.6>\n  ServerName vhost\n  Port 21\n  ServerIdent on \"hi\"\n</VirtualHost>\n";

TEST(ServerSet, MainServerFirstThenVirtualHosts) {
    const auto set = build(kTwoServers);
    ASSERT_EQ(set.servers().size(), 2U);
    EXPECT_TRUE(set.servers()[0].is_main());
    EXPECT_EQ(set.servers()[0].port(), 2121);
    EXPECT_EQ(set.servers()[1].addresses(), (std::vector<std::string>{"10.0.0.5", "10.0.0.6"}));
    EXPECT_EQ(set.servers()[1].port(), 21);
}

TEST(ServerSet, PortDefaultsTo21) {
    const auto set = build("ServerName x\n");
    EXPECT_EQ(set.servers()[0].port(), 21);
}

// ProFTPD issue 1418: a Port in <Global> applies to every server that does not set its own.
TEST(ServerSet, PortInGlobalAppliesWhereAServerSetsNone) {
    const auto set = build("Port 0\n<Global>\n  Port 2121\n</Global>\n<VirtualHost 10.0.0.5>\n</VirtualHost>\n"
                           "<VirtualHost 10.0.0.6>\n  Port 2122\n</VirtualHost>\n");
    EXPECT_EQ(set.servers()[0].port(), 0);
    EXPECT_EQ(set.servers()[1].port(), 2121);
    EXPECT_EQ(set.servers()[2].port(), 2122);
}

TEST(ServerSet, MatchPicksTheVirtualHostBoundToTheAddressAndPort) {
    const auto set = build(kTwoServers);
    EXPECT_EQ(set.match("10.0.0.6", 21), &set.servers()[1]);
    EXPECT_EQ(set.match("::ffff:10.0.0.5", 21), &set.servers()[1]);
    EXPECT_EQ(set.match("10.0.0.9", 2121), &set.servers()[0]);  // main server listens on every address
    EXPECT_EQ(set.match("10.0.0.9", 21), nullptr);
}

TEST(ServerSet, DefaultServerTakesUnmatchedAddressesOnItsPort) {
    const auto set = build("Port 2121\n<VirtualHost 10.0.0.5>\n  Port 21\n  DefaultServer on\n</VirtualHost>\n");
    EXPECT_EQ(set.match("10.0.0.9", 21), &set.servers()[1]);
}

TEST(ServerSet, SocketBindTightKeepsTheMainServerToItsAddress) {
    const auto set = build("DefaultAddress 10.0.0.1\nSocketBindTight on\n");
    EXPECT_EQ(set.match("10.0.0.1", 21), &set.servers()[0]);
    EXPECT_EQ(set.match("10.0.0.2", 21), nullptr);
}

TEST(ServerSet, PortZeroDisablesAServer) {
    const auto set = build("Port 0\n");
    EXPECT_EQ(set.match("10.0.0.1", 0), nullptr);
}

TEST(ServerSet, TwoServersOnOneAddressAndPortIsAnError) {
    EXPECT_EQ(build_error("<VirtualHost 10.0.0.5>\n</VirtualHost>\n<VirtualHost 10.0.0.5>\n</VirtualHost>\n"),
              "t.conf:3:1: 10.0.0.5 port 21 is already served by the server at t.conf:1:1");
}

TEST(ServerSet, TwoDefaultServersOnOnePortIsAnError) {
    EXPECT_EQ(build_error("DefaultServer on\n<VirtualHost 10.0.0.5>\n  DefaultServer on\n</VirtualHost>\n"),
              "t.conf:2:1: DefaultServer is already on for port 21 at t.conf:1:1");
}

TEST(ServerSet, GetLooksInTheServerThenInGlobal) {
    const auto set = build(kTwoServers);
    EXPECT_EQ(arg0(set.servers()[0].get("ServerIdent")), "off");
    EXPECT_EQ(arg0(set.servers()[1].get("ServerIdent")), "on");
    EXPECT_EQ(arg0(set.servers()[1].get("Umask")), "027");
    EXPECT_EQ(arg0(set.servers()[1].get("servername")), "vhost");
}

TEST(ServerSet, VirtualHostsDoNotInheritTheMainServer) {
    const auto set = build("TimeoutIdle 60\n<VirtualHost 10.0.0.5>\n</VirtualHost>\n");
    EXPECT_EQ(set.servers()[1].get("TimeoutIdle"), nullptr);
}

TEST(ServerSet, GetAllListsServerOccurrencesBeforeGlobalOnes) {
    const auto set = build("ExecEnviron A 1\n<Global>\n  ExecEnviron B 2\n</Global>\n");
    const auto all = set.servers()[0].get_all("ExecEnviron");
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0]->args[0], "A");
    EXPECT_EQ(all[1]->args[0], "B");
}

constexpr std::string_view kDirs =
    "Umask 022\n<Directory /srv>\n  Umask 002\n</Directory>\n<Directory /srv/ftp/upload>\n  Umask 077\n"
    "</Directory>\n<Directory /srv/*/pub>\n  AllowOverwrite on\n</Directory>\n<Directory ~/private>\n"
    "  HiddenStores on\n</Directory>\n<Global>\n  <Directory /data>\n    Umask 007\n  </Directory>\n</Global>\n";

TEST(ServerSet, TheLongestMatchingDirectoryWins) {
    const auto set = build(kDirs);
    const Server& s = set.servers()[0];
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/upload/a.txt", nullptr, "")), "077");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/upload", nullptr, "")), "077");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/uploads", nullptr, "")), "002");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv", nullptr, "")), "002");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/tmp/x", nullptr, "")), "022");
}

TEST(ServerSet, LessSpecificDirectoriesStillApplyBelowMoreSpecificOnes) {
    const auto set = build(kDirs);
    EXPECT_EQ(arg0(set.servers()[0].get_for_path("AllowOverwrite", "/srv/ftp/pub/x", nullptr, "")), "on");
}

TEST(ServerSet, GlobDirectoriesMatchAcrossSlashesAsProftpd) {
    const auto set = build(kDirs);
    const Server& s = set.servers()[0];
    EXPECT_EQ(arg0(s.get_for_path("AllowOverwrite", "/srv/a/b/pub", nullptr, "")), "on");
    EXPECT_EQ(s.get_for_path("AllowOverwrite", "/srv/a/public", nullptr, ""), nullptr);
}

TEST(ServerSet, SlashStarCoversWhatIsBelowButNotTheDirectoryItself) {
    const auto set = build("<Directory /srv/*>\n  Umask 077\n</Directory>\n");
    const Server& s = set.servers()[0];
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/a", nullptr, "")), "077");
    EXPECT_EQ(s.get_for_path("Umask", "/srv", nullptr, ""), nullptr);
}

TEST(ServerSet, TildeIsTheUsersHome) {
    const auto set = build(kDirs);
    const Server& s = set.servers()[0];
    EXPECT_EQ(arg0(s.get_for_path("HiddenStores", "/home/bob/private/f", nullptr, "/home/bob")), "on");
    EXPECT_EQ(s.get_for_path("HiddenStores", "/home/bob/private/f", nullptr, "/home/alice"), nullptr);
}

TEST(ServerSet, TildeUserIsResolvedWhenTheSetIsBuilt) {
    BuildOptions options;
    options.home_of = [](std::string_view user) -> std::optional<std::string> {
        if (user == "ftp") {
            return std::string("/srv/ftp");
        }
        return std::nullopt;
    };
    const auto set = build("<Directory ~ftp/pub>\n  Umask 077\n</Directory>\n", options);
    EXPECT_EQ(arg0(set.servers()[0].get_for_path("Umask", "/srv/ftp/pub/a", nullptr, "")), "077");
    auto config = std::make_shared<const Config>(testing::parse_ok("<Directory ~nobody-here/pub>\n</Directory>\n"));
    auto failed = ServerSet::build(config, options);
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message, "t.conf:1:1: <Directory ~nobody-here/pub>: no such user 'nobody-here'");
}

TEST(ServerSet, GlobalDirectoriesApplyToEveryServer) {
    const auto set = build(std::string(kDirs) + "<VirtualHost 10.0.0.5>\n</VirtualHost>\n");
    EXPECT_EQ(arg0(set.servers()[1].get_for_path("Umask", "/data/x", nullptr, "")), "007");
}

constexpr std::string_view kAnon =
    "UserAlias guest ftp\n<Anonymous /srv/ftp>\n  User ftp\n  UserAlias anonymous ftp\n  Umask 077\n"
    "  <Directory incoming>\n    Umask 000\n  </Directory>\n</Anonymous>\n<Anonymous ~upload>\n  User upload\n"
    "  <Directory *>\n    AllowOverwrite on\n  </Directory>\n</Anonymous>\n<Directory /srv/ftp/pub>\n"
    "  Umask 022\n</Directory>\n";

TEST(ServerSet, AnonymousIsChosenByUserOrAlias) {
    const auto set = build(kAnon);
    const Server& s = set.servers()[0];
    const Context* ftp = s.anonymous_for("ftp");
    ASSERT_NE(ftp, nullptr);
    EXPECT_EQ(ftp->args[0], "/srv/ftp");
    EXPECT_EQ(s.anonymous_for("anonymous"), ftp);
    EXPECT_EQ(s.anonymous_for("guest"), ftp);
    EXPECT_EQ(s.anonymous_for("upload")->args[0], "~upload");
    EXPECT_EQ(s.anonymous_for("bob"), nullptr);
}

TEST(ServerSet, AnonymousDirectoriesAreRelativeToTheAnonymousRoot) {
    const auto set = build(kAnon);
    const Server& s = set.servers()[0];
    const Context* ftp = s.anonymous_for("ftp");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/incoming/x", ftp, "/srv/ftp")), "000");
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/other", ftp, "/srv/ftp")), "077");
    const Context* upload = s.anonymous_for("upload");
    EXPECT_EQ(arg0(s.get_for_path("AllowOverwrite", "/home/upload/a", upload, "/home/upload")), "on");
}

TEST(ServerSet, AServerDirectoryMatchedInAnAnonymousSessionSkipsTheAnonymousContext) {
    const auto set = build(kAnon);
    const Server& s = set.servers()[0];
    EXPECT_EQ(arg0(s.get_for_path("Umask", "/srv/ftp/pub/a", s.anonymous_for("ftp"), "/srv/ftp")), "022");
}

TEST(ServerSet, GetAllForPathListsEveryApplicableOccurrenceOnce) {
    const auto set = build(
        "ExecOnCommand STOR /bin/server\n<Global>\n  ExecOnCommand STOR /bin/global\n</Global>\n<Directory /srv>\n"
        "  ExecOnCommand STOR /bin/srv\n</Directory>\n<Directory /srv/up>\n  ExecOnCommand STOR /bin/up\n"
        "  ExecOnCommand RETR /bin/up-retr\n</Directory>\n");
    const auto all = set.servers()[0].get_all_for_path("ExecOnCommand", "/srv/up/f", nullptr, "");
    std::vector<std::string> programs;
    for (const auto* d : all) {
        programs.push_back(d->args[1]);
    }
    EXPECT_EQ(programs,
              (std::vector<std::string>{"/bin/up", "/bin/up-retr", "/bin/srv", "/bin/server", "/bin/global"}));
}

}  // namespace
}  // namespace ward::config
