// The converter: every example (and the Debian-style config) converts to TOML and back to an equivalent model,
// and to proftpd.conf and back; each examples/X.toml twin means the same as examples/X.conf.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "config/load.hpp"
#include "config/syntax.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
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

// Every mod_tls directive (config/directives_tls.cpp), with ProFTPD's own spellings, through TOML and back.
TEST(ConfigRoundTrip, EveryModTlsDirectiveConvertsToTomlAndBack) {
    const Config config = testing::parse_ok(
        "<IfModule mod_tls.c>\n"
        "  TLSEngine off\n  TLSRequired off\n  TLSProtocol TLSv1.2 +TLSv1.3\n"
        "  TLSRSACertificateFile /etc/ssl/certs/proftpd.crt\n  TLSRSACertificateKeyFile /etc/ssl/private/proftpd.key\n"
        "  TLSECCertificateFile /etc/ssl/certs/ec.crt\n  TLSECCertificateKeyFile /etc/ssl/private/ec.key\n"
        "  TLSDSACertificateFile /etc/ssl/certs/dsa.crt\n  TLSDSACertificateKeyFile /etc/ssl/private/dsa.key\n"
        "  TLSCertificateChainFile /etc/ssl/certs/chain.pem\n  TLSCACertificateFile /etc/ssl/certs/ca.pem\n"
        "  TLSCACertificatePath /etc/ssl/certs\n  TLSCARevocationFile /etc/ssl/crl.pem\n"
        "  TLSCARevocationPath /etc/ssl/crl\n  TLSCipherSuite HIGH:!ADH:!DSS\n  TLSServerCipherPreference on\n"
        "  TLSOptions NoSessionReuseRequired UseImplicitSSL\n  TLSOptions AllowPerUser StdEnvVars EnableDiags\n"
        "  TLSVerifyClient optional\n  TLSVerifyDepth 9\n  TLSVerifyOrder crl ocsp\n  TLSVerifyServer NoReverseDNS\n"
        "  TLSTimeoutHandshake 5m\n  TLSLog /var/log/proftpd/tls.log\n  TLSSessionTickets on\n"
        "  TLSSessionTicketKeys age 12h count 25\n  TLSSessionCache internal: 1800\n"
        "  TLSMasqueradeAddress 192.0.2.7\n  TLSECDHCurve X25519:prime256v1\n  TLSUserName CommonName\n"
        "  TLSControlsACLs all allow user root\n  TLSCryptoDevice off\n  TLSDHParamFile /etc/ssl/dh.pem\n"
        "  TLSNextProtocol off\n  TLSPassPhraseProvider /usr/local/bin/passphrase\n"
        "  TLSPreSharedKey client1 hex:/etc/ssl/psk.hex\n  TLSRandomSeed /var/lib/proftpd/seed\n"
        "  TLSRenegotiate none\n  TLSServerInfoFile /etc/ssl/serverinfo.pem\n  TLSStapling off\n"
        "  TLSStaplingCache shm:/file=/var/run/ocsp\n  TLSStaplingOptions NoNonce NoVerify\n"
        "  TLSStaplingResponder http://ocsp.example.com/\n  TLSStaplingTimeout 10\n"
        "</IfModule>\n");
    std::set<std::string> names;
    for (const auto& d : config.root.directives) {
        names.insert(d.name);
    }
    EXPECT_EQ(names.size(), 43U);
    expect_round_trips(config, {});
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
                              "LangEngine", "RLimitChroot", "RootRevoke", "Protocols", "AnonRequirePassword",
                              "ServerAdmin", "DirFakeUser", "DirFakeMode"}) {
        EXPECT_FALSE(warned(quiet)) << quiet;
    }
    for (const char* loud : {"TimeoutLinger", "SetEnv", "LogFormat", "ExtendedLog", "ScoreboardFile",
                             "MaxStoreFileSize", "TransferRate",
                             "UseSendfile", "RLimitCPU", "ServerAlias", "TraceLog"}) {
        EXPECT_TRUE(warned(loud)) << loud;
    }
    EXPECT_FALSE(warned("DeleteAbortedStores"));  // implemented
}

TEST(ConfigRoundTrip, RefusedDirectivesSayWhy) {
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
        "<IfModule mod_wrap2.c>\n  WrapUserTables * file:/etc/ftpd.allow file:/etc/ftpd.deny\n</IfModule>\n"
        "<IfModule mod_ban.c>\n  BanEngine on\n  BanLog /var/log/ban.log\n</IfModule>\n");
    ASSERT_EQ(conf.warnings.size(), 2U);
    EXPECT_EQ(conf.warnings[0].substr(0, 33), "t.conf:2:1: SECURITY: 'WrapUserTa");
    EXPECT_EQ(conf.warnings[1], "t.conf:5:1: SECURITY: 'BanEngine on' is skipped because <IfModule mod_ban.c> does "
                                "not hold here: mod_ban's bans are not enforced; MaxLoginAttempts and "
                                "MaxConnectionRate apply");
    const Config toml = testing::toml_ok("[IfModule.\"mod_ban.c\"]\nBanEngine = true\nBanLog = \"/var/log/ban.log\"\n");
    ASSERT_EQ(toml.warnings.size(), 1U);
    EXPECT_EQ(toml.warnings[0], "t.toml:2:1: SECURITY: 'BanEngine on' is skipped because <IfModule mod_ban.c> does "
                                "not hold here: mod_ban's bans are not enforced; MaxLoginAttempts and "
                                "MaxConnectionRate apply");
}

}  // namespace
}  // namespace ward::config

// The structure-keeping converter (config/syntax.hpp): proftpd.conf -> TOML -> proftpd.conf keeps the comments,
// Include lines, conditional blocks and order, and every step loads to the same model.
namespace ward::config {
namespace {

// conf (a proftpd.conf file) through both converters: the same structure at every step, the same model.
void expect_structure_round_trips(const std::string& conf, const LoadOptions& options) {
    auto model = load_file(conf, options);
    ASSERT_TRUE(model) << model.error().message;
    auto tree = read_syntax_file(conf, options);
    ASSERT_TRUE(tree) << tree.error().message;

    const std::string toml = to_toml(*tree);
    auto toml_tree = parse_toml_syntax(toml, conf + ".toml");
    ASSERT_TRUE(toml_tree) << toml_tree.error().message << "\n" << toml;
    EXPECT_EQ(structure_difference(*tree, *toml_tree), "") << toml;
    auto from_toml = parse_toml_text(toml, conf + ".toml", options);
    ASSERT_TRUE(from_toml) << from_toml.error().message << "\n" << toml;
    EXPECT_TRUE(equivalent(*model, *from_toml)) << toml;
    // the same warnings but for an unset %{env:NAME}, which the TOML holds expanded
    const auto not_env = [](const std::vector<std::string>& warnings) {
        return std::count_if(warnings.begin(), warnings.end(),
                             [](const std::string& w) { return w.find("%{env:") == std::string::npos; });
    };
    EXPECT_EQ(not_env(from_toml->warnings), not_env(model->warnings));

    const std::string back = to_proftpd(*toml_tree);
    auto back_tree = parse_proftpd_syntax(back, conf + ".back.conf", options);
    ASSERT_TRUE(back_tree) << back_tree.error().message << "\n" << back;
    EXPECT_EQ(structure_difference(*tree, *back_tree), "") << back;
    EXPECT_EQ(back, to_proftpd(*tree));  // TOML changes nothing that the proftpd.conf writer writes
    auto from_back = parse_proftpd_text(back, conf + ".back.conf", options);
    ASSERT_TRUE(from_back) << from_back.error().message << "\n" << back;
    EXPECT_TRUE(equivalent(*model, *from_back)) << back;
    EXPECT_EQ(to_toml(*toml_tree), toml);  // converting the TOML again changes nothing
}

std::size_t count_of(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

TEST(ConfigStructure, EveryExampleRoundTripsWithItsStructure) {
    const auto examples = files_in(fs::path(WARD_SOURCE_DIR) / "examples", ".conf");
    ASSERT_FALSE(examples.empty());
    for (const auto& path : examples) {
        SCOPED_TRACE(path.string());
        expect_structure_round_trips(path.string(), {});
    }
    // examples/proftpd.conf keeps its module-loading block and every conditional as a conditional table
    auto tree = read_syntax_file(std::string(WARD_SOURCE_DIR) + "/examples/proftpd.conf");
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    EXPECT_NE(toml.find("[[IfDefine]]\ndefine = \"MODULES\"\nModulePath = \"/usr/local/libexec/wardftpd\"\n"),
              std::string::npos)
        << toml;
    EXPECT_EQ(count_of(toml, "[[IfModule]]"), 3U);
    EXPECT_NE(toml.find("# mod_exec: hooks run without a shell, with only the environment given here\n[[IfModule]]\n"
                        "module = \"mod_exec.c\"\n"),
              std::string::npos);
}

TEST(ConfigStructure, EveryTomlExampleIsItsTwinConverted) {
    for (const auto& toml_path : files_in(fs::path(WARD_SOURCE_DIR) / "examples", ".toml")) {
        SCOPED_TRACE(toml_path.string());
        fs::path conf_path = toml_path;
        conf_path.replace_extension(".conf");
        auto conf = read_syntax_file(conf_path.string());
        auto toml = read_syntax_file(toml_path.string());
        ASSERT_TRUE(conf && toml);
        EXPECT_EQ(structure_difference(*conf, *toml), "");
    }
}

TEST(ConfigStructure, StockDebianConfigRoundTripsWithItsStructure) {
    const std::string conf = std::string(WARD_TEST_DATA_DIR) + "/debian/proftpd.conf";
    const auto stock = files_in(fs::path(WARD_TEST_DATA_DIR) / "debian", ".conf");
    ASSERT_GE(stock.size(), 2U);  // proftpd.conf, modules.conf (and tls.conf)
    for (const auto& path : stock) {
        SCOPED_TRACE(path.string());
        expect_structure_round_trips(path.string(), debian_options());
    }
    auto tree = read_syntax_file(conf);
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    // The includes stay includes, the conditionals stay conditional tables (mod_ident.c's too, which does not
    // hold here), and the commented-out line inside <IfModule mod_dynmasq.c> stays inside it.
    EXPECT_NE(toml.find("# Includes DSO modules\nInclude = \"/etc/proftpd/modules.conf\"\n"), std::string::npos);
    EXPECT_TRUE(toml.ends_with("#\nInclude = \"/etc/proftpd/conf.d/\"\n")) << toml;
    EXPECT_NE(toml.find("[[IfModule]]\nmodule = \"mod_ident.c\"\nIdentLookups = false\n"), std::string::npos);
    EXPECT_NE(toml.find("[[IfModule]]\nmodule = \"mod_dynmasq.c\"\n# DynMasqRefresh 28800\n"), std::string::npos);
    EXPECT_EQ(count_of(toml, "[[IfModule]]"), 7U);
    EXPECT_NE(toml.find("#   <Directory *>\n"), std::string::npos);  // the commented-out <Anonymous> example
}

// Copies Debian's stock files to a temporary /etc/proftpd stand-in.
class DebianCopy {
public:
    DebianCopy() : dir_(fs::temp_directory_path() / ("wardtest-debian-" + std::to_string(::getpid()))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "conf.d");
        fs::copy_file(fs::path(WARD_TEST_DATA_DIR) / "debian" / "proftpd.conf", dir_ / "proftpd.conf");
        fs::copy_file(fs::path(WARD_TEST_DATA_DIR) / "debian" / "modules.conf", dir_ / "modules.conf");
    }
    DebianCopy(const DebianCopy&) = delete;
    DebianCopy& operator=(const DebianCopy&) = delete;
    ~DebianCopy() { fs::remove_all(dir_); }

    [[nodiscard]] LoadOptions options() const {
        LoadOptions options = debian_options();
        options.include = [dir = dir_.string()](std::string_view pattern, const Limits& limits) {
            std::string local(pattern);
            constexpr std::string_view kEtc = "/etc/proftpd/";
            if (local.starts_with(kEtc)) {
                local = dir + "/" + local.substr(kEtc.size());
            }
            return resolve_include_from_filesystem(local, limits);
        };
        return options;
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ / name) << text;
    }
    [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

private:
    fs::path dir_;
};

TEST(ConfigStructure, ADropInAddedAfterConversionIsReadByTheToml) {
    const DebianCopy etc;
    auto tree = read_syntax_file(etc.path("proftpd.conf"));
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    auto before = parse_toml_text(toml, "proftpd.toml", etc.options());
    ASSERT_TRUE(before) << before.error().message;
    EXPECT_EQ(before->root.find("TimeoutLogin"), nullptr);
    EXPECT_TRUE(before->root.children.empty());

    etc.write("conf.d/local.conf", "TimeoutLogin 42\n<Directory /srv/ftp/incoming>\n  Umask 027\n</Directory>\n");
    etc.write("conf.d/more.toml", "MaxLoginAttempts = 2\n");
    auto after = parse_toml_text(toml, "proftpd.toml", etc.options());
    ASSERT_TRUE(after) << after.error().message;
    ASSERT_NE(after->root.find("TimeoutLogin"), nullptr);
    EXPECT_EQ(after->root.find("TimeoutLogin")->args, std::vector<std::string>{"42"});
    EXPECT_EQ(after->root.find("MaxLoginAttempts")->args, std::vector<std::string>{"2"});
    ASSERT_EQ(after->root.children.size(), 1U);
    EXPECT_EQ(after->root.children[0].args, std::vector<std::string>{"/srv/ftp/incoming"});
    // exactly what ProFTPD's reading of the original file gives with the drop-in
    auto conf = load_file(etc.path("proftpd.conf"), etc.options());
    ASSERT_TRUE(conf) << conf.error().message;
    EXPECT_TRUE(equivalent(*conf, *after));
}

// Where TOML's table rules would move a directive, [[Continue]] keeps it in place, so what depends on order
// (Define before <IfDefine>, LoadModule before <IfModule>, the first of two occurrences) means the same.
TEST(ConfigStructure, OrderThatMattersSurvives) {
    const std::string conf =
        "<IfDefine LATER>\n  Port 2121\n</IfDefine>\nDefine LATER\n<IfDefine LATER>\n  Port 2122\n</IfDefine>\n"
        "<Directory /a>\n  Umask 022\n</Directory>\nUmask 077\nExecEnviron A 1\nTimeoutIdle 60\nExecEnviron B 2\n";
    auto model = parse_proftpd_text(conf, "order.conf");
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_EQ(model->root.find("Port")->args, std::vector<std::string>{"2122"});
    auto tree = parse_proftpd_syntax(conf, "order.conf");
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    EXPECT_EQ(toml,
              "[[IfDefine]]\ndefine = \"LATER\"\nPort = 2121\n\n[[Continue]]\nDefine = \"LATER\"\n\n"
              "[[IfDefine]]\ndefine = \"LATER\"\nPort = 2122\n\n[[Directory]]\npath = \"/a\"\nUmask = \"022\"\n\n"
              "[[Continue]]\nUmask = \"077\"\nExecEnviron = [\"A\", 1]\nTimeoutIdle = 60\n\n"
              "[[Continue]]\nExecEnviron = [\"B\", 2]\n");
    auto from_toml = parse_toml_text(toml, "order.toml");
    ASSERT_TRUE(from_toml) << from_toml.error().message;
    EXPECT_TRUE(equivalent(*model, *from_toml));
    EXPECT_EQ(from_toml->root.find("Port")->args, std::vector<std::string>{"2122"});
    EXPECT_EQ(from_toml->root.find("Umask")->args, std::vector<std::string>{"077"});
    EXPECT_EQ(from_toml->root.children.at(0).find("Umask")->args, std::vector<std::string>{"022"});
    EXPECT_EQ(structure_difference(*tree, *parse_toml_syntax(toml, "order.toml")), "");
}

// Comments at the end of a section (before its closing tag), after a nested section, at the end of the file,
// and after a directive on its line, all come back where they were.
TEST(ConfigStructure, CommentsKeepTheirPlace) {
    const std::string conf =
        "# top\nPort 2121 # not 21\n<Directory /a> # dir\n  # first\n  Umask 022\n  <Limit WRITE>\n    DenyAll\n"
        "    # end of limit\n  </Limit>\n  # end of directory, after its limit\n</Directory>\n"
        "<IfModule mod_tls.c>\n  # TLSEngine on\n</IfModule> # closing\n# the end\n";
    auto tree = parse_proftpd_syntax(conf, "c.conf");
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    auto toml_tree = parse_toml_syntax(toml, "c.toml");
    ASSERT_TRUE(toml_tree) << toml_tree.error().message;
    EXPECT_EQ(structure_difference(*tree, *toml_tree), "") << toml;
    EXPECT_EQ(to_proftpd(*toml_tree),
              "# top\nPort 2121 # not 21\n\n<Directory /a> # dir\n  # first\n  Umask 022\n\n  <Limit WRITE>\n"
              "    DenyAll\n    # end of limit\n  </Limit>\n  # end of directory, after its limit\n</Directory>\n\n"
              "<IfModule mod_tls.c>\n  # TLSEngine on\n  # closing\n</IfModule>\n# the end\n")
        << toml;
    // A different comment is a different structure.
    auto other = parse_proftpd_syntax("# top\nPort 2121 # 21\n", "o.conf");
    ASSERT_TRUE(other);
    EXPECT_NE(structure_difference(*tree, *other), "");
}

// What a conditional that does not hold may hold (ProFTPD skips it unread) still converts, or is refused with
// file:line where TOML has no form for it.
TEST(ConfigStructure, SkippedTextConvertsOrIsRefusedClearly) {
    const std::string conf = "<IfModule mod_x.c>\n  module other\n  <Directory /a>\n    path b\n  </Directory>\n"
                             "</IfModule>\n# tab\there, bell \a there\n";
    auto tree = parse_proftpd_syntax(conf, "s.conf");
    ASSERT_TRUE(tree) << tree.error().message;
    const std::string toml = to_toml(*tree);
    EXPECT_EQ(toml,
              "[[IfModule]]\nmodule = \"mod_x.c\"\n\n[[IfModule.Continue]]\nmodule = \"other\"\n\n"
              "[[IfModule.Directory]]\npath = \"/a\"\n\n[[IfModule.Directory.Continue]]\npath = \"b\"\n\n"
              "[[Continue]]\n# tab\there, bell   there\n");
    auto again = parse_toml_syntax(toml, "s.toml");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(to_proftpd(*again), "<IfModule mod_x.c>\n  module other\n\n  <Directory /a>\n    path b\n  </Directory>\n"
                                  "</IfModule>\n# tab\there, bell   there\n");
    auto refused = parse_proftpd_syntax("<IfModule mod_x.c>\n  Directory /a\n</IfModule>\n", "r.conf");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "r.conf:2:3: 'Directory' without <> names a section: this line has no TOML "
                                       "form, so this file cannot be converted");
}

// The fuzz seeds that load: the same structure through TOML and back, and the same model.
TEST(ConfigStructure, EveryLoadingFuzzSeedRoundTrips) {
    std::size_t tried = 0;
    for (const auto& path : files_in(fs::path(WARD_SOURCE_DIR) / "fuzz" / "proftpd_conf" / "corpus", ".conf")) {
        SCOPED_TRACE(path.string());
        auto text = sys::read_file(path.string(), 1U << 20U);
        ASSERT_TRUE(text);
        if (!parse_proftpd_text(*text, path.string()) || !parse_proftpd_syntax(*text, path.string())) {
            continue;  // refused by the loader (the err_ seeds), or with no TOML form
        }
        ++tried;
        expect_structure_round_trips(path.string(), {});
    }
    EXPECT_GE(tried, 3U);
}

TEST(ConfigStructure, ConditionalTablesAreEvaluatedAtLoadAsInProftpdConf) {
    const std::string toml =
        "[[IfModule]]\nmodule = \"mod_ban.c\"\nBanEngine = true\n\n[[IfModule]]\nmodule = \"!mod_ban.c\"\n"
        "Port = 2121\n\n[[IfDefine]]\ndefine = \"EXTRA\"\nServerName = \"extra\"\n\n"
        "[[IfModule]]\nmodule = \"mod_exec.c\"\n\n[[IfModule.Directory]]\npath = \"/srv\"\nUmask = \"022\"\n";
    LoadOptions options;
    auto plain = parse_toml_text(toml, "t.toml", options);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->root.find("Port")->args, std::vector<std::string>{"2121"});
    EXPECT_EQ(plain->root.find("ServerName"), nullptr);
    ASSERT_EQ(plain->root.children.size(), 1U);
    ASSERT_EQ(plain->warnings.size(), 1U);
    EXPECT_EQ(plain->warnings[0].substr(0, 42), "t.toml:3:1: SECURITY: 'BanEngine on' is sk");
    options.defines = {"EXTRA"};
    auto defined = parse_toml_text(toml, "t.toml", options);
    ASSERT_TRUE(defined) << defined.error().message;
    EXPECT_EQ(defined->root.find("ServerName")->args, std::vector<std::string>{"extra"});
    // the same text as proftpd.conf loads to the same model
    auto tree = parse_toml_syntax(toml, "t.toml");
    ASSERT_TRUE(tree);
    auto conf = parse_proftpd_text(to_proftpd(*tree), "t.conf", options);
    ASSERT_TRUE(conf) << conf.error().message;
    EXPECT_TRUE(equivalent(*conf, *defined));
    EXPECT_EQ(testing::toml_error("[[IfModule]]\nPort = 21\n"),
              "t.toml:1:1: [[IfModule]] needs module = \"mod_x.c\" (\"!...\" negates)");
    EXPECT_EQ(testing::toml_error("[[IfDefine]]\ndefine = \"!\"\n"), "t.toml:2:10: <IfDefine>: a name is required");
}

}  // namespace
}  // namespace ward::config
