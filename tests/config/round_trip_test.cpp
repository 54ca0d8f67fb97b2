// The converter: every example (and the Debian-style config) converts to TOML and back to an equivalent model,
// and to proftpd.conf and back; each examples/X.toml twin means the same as examples/X.conf.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "config/load.hpp"
#include "base/strings.hpp"
#include "config/validators.hpp"
#include "config/values.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == extension) {
            out.push_back(entry.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Maps /etc/proftpd/ to tests/config/data/debian/ and knows the directives of the modules its modules.conf loads.
LoadOptions debian_options() {
    LoadOptions options;
    options.include = [](std::string_view pattern, const Limits& limits) {
        std::string local(pattern);
        constexpr std::string_view kEtc = "/etc/proftpd/";
        if (local.starts_with(kEtc)) {
            local = std::string(WARD_TEST_DATA_DIR) + "/debian/" + local.substr(kEtc.size());
        }
        return resolve_include_from_filesystem(local, limits);
    };
    options.load_module = [](const Directive& d) -> Result<std::vector<DirectiveSpec>> {
        const auto flag = [](const char* name) {
            return DirectiveSpec{name, "", contexts::servers, 1, 1, false, check::each(check::boolean_check()),
                                 std::string(name) + " on|off"};
        };
        const std::string& module = d.args.at(0);
        if (module == "mod_quotatab.c") {
            return std::vector<DirectiveSpec>{flag("QuotaEngine")};
        }
        if (module == "mod_ratio.c") {
            return std::vector<DirectiveSpec>{flag("Ratios")};
        }
        if (module == "mod_delay.c") {
            return std::vector<DirectiveSpec>{flag("DelayEngine")};
        }
        if (module == "mod_ctrls_admin.c") {
            return std::vector<DirectiveSpec>{flag("AdminControlsEngine")};
        }
        return std::vector<DirectiveSpec>{};  // the other modules modules.conf loads: no directive used here
    };
    return options;
}

void expect_round_trips(const Config& config, const LoadOptions& options) {
    const std::string toml = to_toml(config);
    auto again = parse_toml_text(toml, config.source + ".toml", options);
    ASSERT_TRUE(again) << again.error().message << "\n" << toml;
    EXPECT_TRUE(equivalent(config, *again)) << toml;

    const std::string conf = to_proftpd(config);
    auto back = parse_proftpd_text(conf, config.source + ".conf", options);
    ASSERT_TRUE(back) << back.error().message << "\n" << conf;
    EXPECT_TRUE(equivalent(config, *back)) << conf;
}

TEST(ConfigRoundTrip, EveryExampleConvertsToTomlAndBack) {
    const auto examples = files_in(fs::path(WARD_SOURCE_DIR) / "examples", ".conf");
    ASSERT_FALSE(examples.empty());
    for (const auto& path : examples) {
        SCOPED_TRACE(path.string());
        auto config = load_file(path.string());
        ASSERT_TRUE(config) << config.error().message;
        expect_round_trips(*config, {});
    }
}

// mod_sql's documentation examples (tests/config/data/sql/): every SQL directive converts to TOML and back.
TEST(ConfigRoundTrip, TheSqlExamplesConvertToTomlAndBack) {
    const auto examples = files_in(fs::path(WARD_TEST_DATA_DIR) / "sql", ".conf");
    ASSERT_GE(examples.size(), 5U);
    for (const auto& path : examples) {
        SCOPED_TRACE(path.string());
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        // @DB@ and @LOG@ are the test's files (tests/integration/test_sql_sqlite.py fills them in).
        std::string conf = text.str();
        for (const auto& [mark, value] : {std::pair<std::string, std::string>{"@DB@", "/srv/ftp/users.sqlite"},
                                          std::pair<std::string, std::string>{"@LOG@", "/var/log/sql.log"}}) {
            for (auto at = conf.find(mark); at != std::string::npos; at = conf.find(mark)) {
                conf.replace(at, mark.size(), value);
            }
        }
        auto config = parse_proftpd_text(conf, path.string());
        ASSERT_TRUE(config) << config.error().message;
        expect_round_trips(*config, {});
    }
}

TEST(ConfigRoundTrip, EveryTomlExampleMeansTheSameAsItsProftpdTwin) {
    const auto twins = files_in(fs::path(WARD_SOURCE_DIR) / "examples", ".toml");
    ASSERT_FALSE(twins.empty());
    for (const auto& toml_path : twins) {
        SCOPED_TRACE(toml_path.string());
        auto from_toml = load_file(toml_path.string());
        ASSERT_TRUE(from_toml) << from_toml.error().message;
        fs::path conf_path = toml_path;
        conf_path.replace_extension(".conf");
        auto from_conf = load_file(conf_path.string());
        ASSERT_TRUE(from_conf) << from_conf.error().message;
        EXPECT_TRUE(equivalent(*from_toml, *from_conf));
        expect_round_trips(*from_toml, {});
    }
}

TEST(ConfigRoundTrip, StockDebianConfigValidatesAndRoundTrips) {
    const auto options = debian_options();
    auto config = load_file(std::string(WARD_TEST_DATA_DIR) + "/debian/proftpd.conf", options);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_NE(config->root.find("QuotaEngine"), nullptr);  // loaded with mod_quotatab.c, so <IfModule> held
    EXPECT_NE(config->root.find("ControlsMaxClients"), nullptr);
    EXPECT_EQ(config->root.find("IdentLookups"), nullptr);  // mod_ident.c is not there
    EXPECT_EQ(config->root.find("AdminControlsEngine")->args, std::vector<std::string>{"off"});
    expect_round_trips(*config, options);
}

TEST(ConfigRoundTrip, EquivalenceIgnoresLocationsButNotArguments) {
    auto a = parse_proftpd_text("Port 21\nUser ftp\n", "a.conf");
    auto b = parse_proftpd_text("\n\nUser ftp\nPort 21\n", "b.conf");
    auto c = parse_proftpd_text("Port 2121\nUser ftp\n", "c.conf");
    ASSERT_TRUE(a && b && c);
    EXPECT_TRUE(equivalent(*a, *b));
    EXPECT_FALSE(equivalent(*a, *c));
}

TEST(ConfigRoundTrip, EquivalenceKeepsTheOrderOfOneDirectiveName) {
    auto a = parse_proftpd_text("ExecEnviron A 1\nExecEnviron B 2\n", "a.conf");
    auto b = parse_proftpd_text("ExecEnviron B 2\nExecEnviron A 1\n", "b.conf");
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(equivalent(*a, *b));
}

TEST(ConfigRoundTrip, AwkwardArgumentsSurviveBothWriters) {
    auto config = parse_proftpd_text(
        "ServerIdent on \"quote \\\" backslash \\\\ tab\there #hash\"\nDisplayLogin \"#starts-with-hash\"\n"
        "DenyFilter \\*.*/\nExecEnviron EMPTY \"\"\n",
        "awkward.conf");
    ASSERT_TRUE(config) << config.error().message;
    expect_round_trips(*config, {});
}

}  // namespace
}  // namespace ward::config

namespace ward::config {
namespace {

TEST(ConfigRoundTrip, EquivalenceKeepsTheOrderOfSections) {
    auto a = parse_proftpd_text("<Directory /a>\n</Directory>\n<Anonymous /b>\n</Anonymous>\n", "a.conf");
    auto b = parse_proftpd_text("<Anonymous /b>\n</Anonymous>\n<Directory /a>\n</Directory>\n", "b.conf");
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(equivalent(*a, *b));
    auto toml = parse_toml_text(to_toml(*a), "a.toml");
    ASSERT_TRUE(toml) << toml.error().message;
    EXPECT_TRUE(equivalent(*a, *toml));
}

}  // namespace
}  // namespace ward::config

namespace ward::config {
namespace {

// Every directive added for ProFTPD's listed modules converts both ways, and its warnings survive the trip.
constexpr const char* kProftpdCompat = R"(Define WITH_EXTRAS
<IfDefine WITH_EXTRAS>
  ServerAdmin ftp@example.org
</IfDefine>
WtmpLog off
UseLastlog off
TimeoutIdle 20m
TimeoutLinger 1h
TimeoutSession 00:30:00
TimesGMT on
UseSendfile off
SetEnv TZ UTC
UnsetEnv LANG
LogFormat awstats "%t %h %u %m %f %s %b"
ExtendedLog /var/log/ftp/access.log read,write awstats
LogOptions -Timestamp
ServerLog none
AllowLogSymlinks off
ScoreboardFile /var/run/proftpd.scoreboard
ScoreboardScrub on 30
TraceLog /var/log/proftpd.trace
Trace DEFAULT:10
TraceOptions +TimestampMillis
IdentLookups off
UseReverseDNS off
DeferWelcome off
MultilineRFC2228 on
AllowOverride off
CommandBufferSize 512
DebugLevel 0
FSCachePolicy off
IncludeOptions AllowSymlinks
MaxCommandRate 200
ProcessTitles terse
Protocols ftp ftps
RegexOptions MaxMatchDepth 1000
SocketOptions rcvbuf 65536
SyslogFacility AUTH
SyslogLevel notice
TCPBackLog 32
TCPNoDelay on
RLimitCPU session 60 120
RLimitMemory 256M
RLimitOpenFiles max
RLimitChroot on
DelayEngine off
DelayTable none
FactsAdvertise on
FactsOptions UseSlink
LangEngine off
UseEncoding off
AuthUnixOptions aixNoRlogin
PersistentPasswd off
AuthFileOptions SyntaxCheck
AllowChrootSymlinks on
AllowEmptyPasswords off
CreateHome off
MaxPasswordSize 1024
RewriteHome off
RootRevoke on
UserPassword alice $1$abc$def
ExecOptions logStderr
ExecOptions useStdin
ExecTimeout 5m
<VirtualHost 10.0.0.1>
  ServerAlias ftp.example.org files.example.org
  Port 2121
</VirtualHost>
<Anonymous /srv/ftp>
  User ftp
  AnonRequirePassword off
  AnonAllowRobots off
  AuthUsingAlias off
  UserDirRoot off
  AccessGrantMsg "Welcome, %u"
  AccessDenyMsg "Go away"
  DefaultTransferMode binary
  DisplayFileTransfer .message
  TransferOptions IgnoreASCII
  WtmpLog off
  <Directory /srv/ftp/incoming>
    HideFiles ^\.
    HideNoAccess on
    HideUser root
    HideGroup wheel
    DirFakeUser on ftp
    DirFakeGroup on ftp
    DirFakeMode 0644
    ListStyle Unix
    GroupOwner ftp
    UserOwner ftp
    DeleteAbortedStores on
    MaxStoreFileSize 10 Mb
    MaxRetrieveFileSize 1 Gb
    MaxTransfersPerUser STOR 2
    MaxTransfersPerHost RETR 4
    StoreUniquePrefix up.
    TransferRate RETR 512:1024
    TransferRate STOR 128
    UseSendfile on
  </Directory>
</Anonymous>
)";

TEST(ConfigRoundTrip, ProftpdsOtherDirectivesConvertBothWaysWithTheirWarnings) {
    auto config = parse_proftpd_text(kProftpdCompat, "compat.conf");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_NE(config->root.find("ServerAdmin"), nullptr);  // Define made <IfDefine> hold
    EXPECT_EQ(config->root.find_all("ExecOptions").size(), 2U);
    expect_round_trips(*config, {});
    auto again = parse_toml_text(to_toml(*config), "compat.toml");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->warnings.size(), config->warnings.size());
    // On values that ask for what wardftpd does (WtmpLog off, TimesGMT on, ...) give no warning; the others do.
    const auto warned = [&](std::string_view directive) {
        return std::any_of(config->warnings.begin(), config->warnings.end(), [directive](const std::string& w) {
            return w.find(str_cat(": ", directive, " has no effect")) != std::string::npos;
        });
    };
    for (const char* quiet : {"WtmpLog", "TimesGMT", "IdentLookups", "UseReverseDNS", "AllowOverride", "DelayEngine",
                              "LangEngine", "RLimitChroot", "RootRevoke", "Protocols", "AnonRequirePassword"}) {
        EXPECT_FALSE(warned(quiet)) << quiet;
    }
    for (const char* loud : {"ServerAdmin", "TimeoutLinger", "SetEnv", "LogFormat", "ExtendedLog", "ScoreboardFile",
                             "HideFiles", "HideNoAccess", "DirFakeUser", "MaxStoreFileSize", "TransferRate",
                             "UseSendfile", "DeleteAbortedStores", "RLimitCPU", "ServerAlias", "TraceLog"}) {
        EXPECT_TRUE(warned(loud)) << loud;
    }
}

TEST(ConfigRoundTrip, RefusedDirectivesSayWhy) {
    EXPECT_EQ(testing::parse_error("<Limit LOGIN>\n  DenyClass bad\n</Limit>\n"),
              "t.conf:2:3: DenyClass is refused by wardftpd: wardftpd has no <Class> yet, so a class rule could not "
              "be enforced");
    EXPECT_EQ(testing::parse_error("<Anonymous /srv>\n  AnonRequirePassword on\n</Anonymous>\n"),
              "t.conf:2:23: AnonRequirePassword: on is refused: wardftpd does not check an <Anonymous> account's "
              "real password; an anonymous login would be let in without it");
    EXPECT_EQ(testing::parse_error("Protocols sftp\n"),
              "t.conf:1:11: Protocols: wardftpd serves only ftp; a Protocols list without ftp would refuse every "
              "session here");
}

TEST(ConfigRoundTrip, TimeoutsTakeProftpdsDurations) {
    auto config = parse_proftpd_text("TimeoutIdle 20m\nTimeoutNoTransfer 1h\nTimeoutStalled 00:01:30\nTimeoutLogin 45s\n",
                                     "t.conf");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(as_seconds(*config->root.find("TimeoutIdle")).count(), 1200);
    EXPECT_EQ(as_seconds(*config->root.find("TimeoutNoTransfer")).count(), 3600);
    EXPECT_EQ(as_seconds(*config->root.find("TimeoutStalled")).count(), 90);
    EXPECT_EQ(as_seconds(*config->root.find("TimeoutLogin")).count(), 45);
    EXPECT_EQ(testing::parse_error("TimeoutIdle 20 minutes\n"),
              "t.conf:1:1: TimeoutIdle takes 1 argument, not 2 (syntax: TimeoutIdle seconds|20m|1h|hh:mm:ss)");
    EXPECT_EQ(testing::parse_error("TimeoutIdle 20y\n"),
              "t.conf:1:13: TimeoutIdle: '20y' is not a duration (seconds, or a number with s, m or h, or hh:mm:ss)");
}

}  // namespace
}  // namespace ward::config

namespace ward::config {
namespace {

// A skipped <IfModule> that asks for a security property wardftpd does not provide is a loud warning in both
// front ends, naming the line.
TEST(ConfigRoundTrip, SkippedSecuritySectionsAreLoudInBothFrontEnds) {
    const Config conf = testing::parse_ok(
        "<IfModule mod_tls.c>\n  TLSEngine on\n  TLSRequired on\n  TLSLog /var/log/tls.log\n</IfModule>\n"
        "<IfModule mod_wrap2.c>\n  WrapUserTables * file:/etc/ftpd.allow file:/etc/ftpd.deny\n</IfModule>\n"
        "<IfModule mod_ban.c>\n  BanEngine off\n</IfModule>\n");
    ASSERT_EQ(conf.warnings.size(), 3U);
    EXPECT_EQ(conf.warnings[0], "t.conf:2:1: SECURITY: 'TLSEngine on' is skipped because <IfModule mod_tls.c> does "
                                "not hold here: wardftpd has no TLS: logins and data go in clear text");
    EXPECT_EQ(conf.warnings[1].substr(0, 46), "t.conf:3:1: SECURITY: 'TLSRequired on' is skip");
    EXPECT_EQ(conf.warnings[2].substr(0, 33), "t.conf:7:1: SECURITY: 'WrapUserTa");
    const Config toml = testing::toml_ok("[IfModule.\"mod_tls.c\"]\nTLSEngine = true\nTLSLog = \"/var/log/tls.log\"\n");
    ASSERT_EQ(toml.warnings.size(), 1U);
    EXPECT_EQ(toml.warnings[0], "t.toml:2:1: SECURITY: 'TLSEngine on' is skipped because <IfModule mod_tls.c> does "
                                "not hold here: wardftpd has no TLS: logins and data go in clear text");
}

}  // namespace
}  // namespace ward::config
