// Every error class names file:line:column and says what is wrong; each test pins the exact text.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;

TEST(ConfigErrors, UnknownDirectiveSuggestsTheClosestKnownName) {
    EXPECT_EQ(parse_error("Port 21\n  ExecOnComand STOR /bin/true\n"),
              "t.conf:2:3: unknown directive 'ExecOnComand' (did you mean ExecOnCommand?)");
}

TEST(ConfigErrors, UnknownDirectiveWithNothingCloseSaysOnlyThat) {
    EXPECT_EQ(parse_error("Xyzzyplugh 1\n"), "t.conf:1:1: unknown directive 'Xyzzyplugh'");
}

TEST(ConfigErrors, DirectiveOfAForeignModuleNamesItsModuleAndTheIfModuleWayOut) {
    EXPECT_EQ(parse_error("SFTPEngine on\n"),
              "t.conf:1:1: SFTPEngine belongs to mod_sftp.c, which wardftpd does not have; put it inside "
              "<IfModule mod_sftp.c>");
    EXPECT_EQ(parse_error("LDAPServer ldap.example.com\n"),
              "t.conf:1:1: LDAPServer belongs to mod_ldap.c, which wardftpd does not have; put it inside "
              "<IfModule mod_ldap.c>");
}

TEST(ConfigErrors, ForeignSectionNamesItsModule) {
    EXPECT_EQ(parse_error("<IfUser bob>\n</IfUser>\n"),
              "t.conf:1:1: <IfUser> belongs to mod_ifsession.c, which wardftpd does not have; put it inside "
              "<IfModule mod_ifsession.c>");
}

TEST(ConfigErrors, DirectiveInTheWrongContext) {
    EXPECT_EQ(parse_error("<Anonymous /srv/ftp>\n  Port 21\n</Anonymous>\n"),
              "t.conf:2:3: Port is not allowed in <Anonymous /srv/ftp> opened at t.conf:1:1; is its </Anonymous> "
              "missing before this line? (allowed in: server config, <Global>, <VirtualHost>)");
    EXPECT_EQ(parse_error("AllowUser bob\n"),
              "t.conf:1:1: AllowUser is not allowed in the server config (allowed in: <Limit>)");
}

TEST(ConfigErrors, SectionInTheWrongContext) {
    EXPECT_EQ(parse_error("<Directory /a>\n  <Directory /a/b>\n  </Directory>\n</Directory>\n"),
              "t.conf:2:3: <Directory> is not allowed in <Directory /a> opened at t.conf:1:1; is its </Directory> "
              "missing before this line? (allowed in: server config, <Global>, <VirtualHost>, <Anonymous>)");
}

TEST(ConfigErrors, UnclosedSectionIsNamedWithTheLineThatOpenedIt) {
    // A forgotten </Directory>: the server-level directive after it is reported against the section still open.
    EXPECT_EQ(parse_error("Port 21\n<Directory /srv>\n  Umask 022\n\nExecEngine on\n"),
              "t.conf:5:1: ExecEngine is not allowed in <Directory /srv> opened at t.conf:2:1; is its </Directory> "
              "missing before this line? (allowed in: server config, <Global>, <VirtualHost>)");
    // Allowed in no section around it: no question about a closing tag.
    EXPECT_EQ(parse_error("<Directory /srv>\n  AllowUser bob\n</Directory>\n"),
              "t.conf:2:3: AllowUser is not allowed in <Directory /srv> opened at t.conf:1:1 (allowed in: <Limit>)");
}

TEST(ConfigErrors, WrongNumberOfArguments) {
    EXPECT_EQ(parse_error("Port 21 22\n"), "t.conf:1:1: Port takes 1 argument, not 2 (syntax: Port number)");
    EXPECT_EQ(parse_error("PassivePorts 49152\n"),
              "t.conf:1:1: PassivePorts takes 2 arguments, not 1 (syntax: PassivePorts first last)");
    EXPECT_EQ(parse_error("<Limit LOGIN>\n  DenyAll now\n</Limit>\n"),
              "t.conf:2:3: DenyAll takes no arguments, not 1 (syntax: DenyAll)");
}

TEST(ConfigErrors, PortOutOfRangePointsAtTheValue) {
    EXPECT_EQ(parse_error("Port 70000\n"), "t.conf:1:6: Port: '70000' is not a port number (0-65535)");
}

TEST(ConfigErrors, PortZeroDisablesAServerAndIsAccepted) { testing::parse_ok("Port 0\n"); }

TEST(ConfigErrors, PassivePortsMustBeOrderedAndAbove1023) {
    EXPECT_EQ(parse_error("PassivePorts 60000 50000\n"),
              "t.conf:1:14: PassivePorts: the first port (60000) must not be above the last (50000)");
    EXPECT_EQ(parse_error("PassivePorts 20 50000\n"),
              "t.conf:1:14: PassivePorts: '20' is not a number from 1024 to 65535 (passive ports must be above 1023)");
}

TEST(ConfigErrors, UnknownCapability) {
    EXPECT_EQ(parse_error("CapabilitiesSet +CAP_CHOWN +CAP_FLY\n"),
              "t.conf:1:28: CapabilitiesSet: unknown capability 'CAP_FLY'");
}

TEST(ConfigErrors, CapabilityWithoutSign) {
    EXPECT_EQ(parse_error("CapabilitiesSet CAP_CHOWN\n"),
              "t.conf:1:17: CapabilitiesSet: 'CAP_CHOWN' must start with + or - (e.g. +CAP_CHOWN)");
}

TEST(ConfigErrors, RelativePathWhereAnAbsoluteOneIsNeeded) {
    EXPECT_EQ(parse_error("ExecOnCommand STOR bin/hook %f\n"),
              "t.conf:1:20: ExecOnCommand: 'bin/hook' must be an absolute path");
    EXPECT_EQ(parse_error("ModuleTrustedKey keys/release.pub\n"),
              "t.conf:1:18: ModuleTrustedKey: 'keys/release.pub' must be an absolute path");
    EXPECT_EQ(parse_error("<Directory pub>\n</Directory>\n"),
              "t.conf:1:12: <Directory>: 'pub': a relative path is only allowed inside <Anonymous>");
}

TEST(ConfigErrors, BadBooleanValue) {
    EXPECT_EQ(parse_error("AllowOverwrite maybe\n"), "t.conf:1:16: AllowOverwrite: expected on or off, not 'maybe'");
}

TEST(ConfigErrors, BadUmask) {
    EXPECT_EQ(parse_error("Umask 022 089\n"), "t.conf:1:11: Umask: '089' is not an octal mode from 000 to 777");
}

TEST(ConfigErrors, BadRegexIsCaughtByRegcomp) {
    const std::string message = parse_error("DenyFilter \"(unclosed\"\n");
    EXPECT_EQ(message.rfind("t.conf:1:12: DenyFilter: '(unclosed' is not a valid regular expression: ", 0), 0U)
        << message;
}

TEST(ConfigErrors, ExecOnEventNeedsAKnownEvent) {
    EXPECT_EQ(parse_error("ExecOnEvent Login /bin/true\n"),
              "t.conf:1:13: ExecOnEvent: unknown event 'Login' (expected MaxConnectionRate or MaxInstances, "
              "optionally followed by * or ~)");
}

TEST(ConfigErrors, ExecOptionsFlagsAreChecked) {
    EXPECT_EQ(parse_error("ExecOptions logStdout useShell\n"),
              "t.conf:1:23: ExecOptions: expected logStderr|logStdout|sendStdout|useStdin, not 'useShell'");
}

TEST(ConfigErrors, ExecSandboxModes) {
    EXPECT_EQ(parse_error("ExecSandbox loose\n"), "t.conf:1:13: ExecSandbox: expected default|strict|off, not 'loose'");
}

TEST(ConfigErrors, LoadModuleNameRule) {
    EXPECT_EQ(parse_error("LoadModule ../evil.c\n"),
              "t.conf:1:12: LoadModule: '../evil.c' is not a module name (mod_[a-z0-9_]+.c)");
    EXPECT_EQ(parse_error("LoadModule mod_Tls.c\n"),
              "t.conf:1:12: LoadModule: 'mod_Tls.c' is not a module name (mod_[a-z0-9_]+.c)");
}

TEST(ConfigErrors, ModuleOrderMustBeTheVeryFirstDirective) {
    EXPECT_EQ(parse_error("Port 21\nModuleOrder mod_core.c\n"),
              "t.conf:2:1: ModuleOrder must be the very first directive of the configuration");
    testing::parse_ok("ModuleOrder mod_core.c mod_exec.c\nPort 21\n");
}

// ProFTPD accepts a repeated directive: the server record's fields (Port, ServerName) take the last, the others
// (find_config) the first. wardftpd keeps the one that applies and says so.
TEST(ConfigErrors, ANonRepeatableDirectiveTwiceInOneContextIsAcceptedWithProftpdsPrecedence) {
    const Config port = testing::parse_ok("Port 21\nPort 2121\n");
    ASSERT_EQ(port.root.find_all("Port").size(), 1U);
    EXPECT_EQ(port.root.find("Port")->args.at(0), "2121");
    ASSERT_EQ(port.warnings.size(), 1U);
    EXPECT_EQ(port.warnings[0],
              "t.conf:2:1: Port is already set in this context at t.conf:1:1; this later one applies, as in ProFTPD");
    const Config users = testing::parse_ok("AuthUserFile /etc/a\nAuthUserFile /etc/b\n");
    ASSERT_EQ(users.root.find_all("AuthUserFile").size(), 1U);
    EXPECT_EQ(users.root.find("AuthUserFile")->args.at(0), "/etc/a");
    ASSERT_EQ(users.warnings.size(), 1U);
    EXPECT_EQ(users.warnings[0], "t.conf:2:1: AuthUserFile is already set in this context at t.conf:1:1; the first "
                                 "one applies, as in ProFTPD, not this one");
    const Config options = testing::parse_ok("ExecOptions logStderr\nExecOptions useStdin\n");
    EXPECT_EQ(options.root.find_all("ExecOptions").size(), 2U);  // mod_exec reads every line
    EXPECT_TRUE(options.warnings.empty());
}

TEST(ConfigErrors, AllowFromRulesAreChecked) {
    EXPECT_EQ(parse_error("<Limit LOGIN>\n  Allow from 10.0.0.0/33\n</Limit>\n"),
              "t.conf:2:14: Allow: '10.0.0.0/33': the prefix length must be 0 to 32");
    EXPECT_EQ(parse_error("<Limit LOGIN>\n  Deny from !all\n</Limit>\n"),
              "t.conf:2:13: Deny: the ! negation operator cannot be used with ALL/NONE");
    EXPECT_EQ(parse_error("<Limit LOGIN>\n  Deny from 10.0.0.1,all\n</Limit>\n"),
              "t.conf:2:13: Deny: all and none must stand alone");
}

TEST(ConfigErrors, OrderWords) {
    EXPECT_EQ(parse_error("<Limit LOGIN>\n  Order allow\n</Limit>\n"),
              "t.conf:2:9: Order: expected allow,deny or deny,allow, not 'allow'");
}

TEST(ConfigErrors, ServerTypeIsStandaloneOrInetd) {
    EXPECT_EQ(parse_error("ServerType forking\n"), "t.conf:1:12: ServerType: expected standalone or inetd, not 'forking'");
}

TEST(ConfigErrors, UnterminatedQuote) {
    EXPECT_EQ(parse_error("ServerName \"abc\n"), "t.conf:1:12: unterminated quoted string");
}

// ProFTPD replaces an unset %{env:NAME} by nothing; so do we, and say so at -t and start-up.
TEST(ConfigErrors, UnsetEnvironmentVariableIsReplacedByNothingWithAWarning) {
    LoadOptions options;
    options.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    const Config config = testing::parse_ok("ServerName a%{env:NOPE}b\n", options);
    EXPECT_EQ(config.root.find("ServerName")->args.at(0), "ab");
    ASSERT_EQ(config.warnings.size(), 1U);
    EXPECT_EQ(config.warnings[0],
              "t.conf:1:12: %{env:NOPE}: the environment variable NOPE is not set; it is replaced by nothing, as in "
              "ProFTPD");
}

TEST(ConfigErrors, UnclosedSection) {
    EXPECT_EQ(parse_error("<Directory /srv>\n  Umask 022\n"), "t.conf:1:1: <Directory> is not closed before the end of t.conf");
    EXPECT_EQ(parse_error("<IfModule mod_sftp.c>\n  SFTPEngine on\n"),
              "t.conf:1:1: <IfModule> is not closed before the end of t.conf");
}

TEST(ConfigErrors, MismatchedClose) {
    EXPECT_EQ(parse_error("<Directory /srv>\n</Limit>\n"),
              "t.conf:2:1: </Limit> does not close the section opened at t.conf:1:1");
    EXPECT_EQ(parse_error("</Global>\n"), "t.conf:1:1: </Global> without a matching <Global> in t.conf");
}

TEST(ConfigErrors, UnknownSection) {
    EXPECT_EQ(parse_error("<Classes local>\n</Classes>\n"), "t.conf:1:1: unknown section <Classes>");
}

TEST(ConfigErrors, LoadModuleOfAModuleThatIsNotBuiltInWithoutALoader) {
    EXPECT_EQ(parse_error("LoadModule mod_sftp.c\n"),
              "t.conf:1:1: LoadModule: mod_sftp.c is not built into wardftpd and no module loader is available here");
}

TEST(ConfigErrors, LoaderFailureIsReportedWithTheDirective) {
    LoadOptions options;
    options.load_module = [](const Directive&) -> Result<std::vector<DirectiveSpec>> {
        return Error{"signature check failed"};
    };
    EXPECT_EQ(parse_error("\nLoadModule mod_quotatab.c\n", options),
              "t.conf:2:1: LoadModule mod_quotatab.c: signature check failed");
}

TEST(ConfigErrors, VirtualHostNeedsAnAddress) {
    EXPECT_EQ(parse_error("<VirtualHost>\n</VirtualHost>\n"), "t.conf:1:1: <VirtualHost>: needs at least one address");
}

TEST(ConfigErrors, HiddenStoresNamesStayInTheUploadsFolder) {
    EXPECT_EQ(parse_error("HiddenStores ../up\n"),
              "t.conf:1:14: HiddenStores: expected on, off or a file name prefix without '/', not '../up'");
    EXPECT_EQ(parse_error("HiddenStores .in. .%U\n"),
              "t.conf:1:19: HiddenStores: '.%U': the only variable a HiddenStores suffix may hold is %P");
}

TEST(ConfigErrors, NulByteInTheText) {
    EXPECT_EQ(parse_error(std::string_view("Port 21\nServer\0Name x\n", 22)), "t.conf:2:7: NUL byte in the configuration text");
}

}  // namespace
}  // namespace ward::config

namespace ward::config {
namespace {

TEST(ConfigErrors, InvalidUtf8) {
    EXPECT_EQ(testing::parse_error("Port 21\nServerName caf\xe9\n"), "t.conf:2:15: the configuration text is not valid UTF-8");
}

TEST(ConfigErrors, ALineBreakInsideAValue) {
    EXPECT_EQ(testing::toml_error("ServerIdent = [true, \"two\\nlines\"]\n"),
              "t.toml:1:22: ServerIdent: a value cannot contain a line break or a NUL byte");
}

}  // namespace
}  // namespace ward::config
