// The TOML front end: the documented mapping, and errors with file:line:column.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_ok;
using testing::toml_error;
using testing::toml_ok;

TEST(TomlConfig, ScalarsBecomeArguments) {
    const auto c = toml_ok("ServerName = \"a b\"\nPort = 2121\nAllowOverwrite = true\nUseIPv6 = false\n");
    ASSERT_EQ(c.root.directives.size(), 4U);
    EXPECT_EQ(c.root.directives[0].args, std::vector<std::string>{"a b"});
    EXPECT_EQ(c.root.directives[1].args, std::vector<std::string>{"2121"});
    EXPECT_EQ(c.root.directives[2].args, std::vector<std::string>{"on"});
    EXPECT_EQ(c.root.directives[3].args, std::vector<std::string>{"off"});
}

TEST(TomlConfig, KeysAreCaseInsensitiveAndKeepDocumentOrder) {
    const auto c = toml_ok("umask = \"022\"\nservername = \"x\"\n");
    EXPECT_EQ(c.root.directives[0].name, "Umask");
    EXPECT_EQ(c.root.directives[1].name, "ServerName");
}

TEST(TomlConfig, AnArrayIsOneDirectiveWithManyArguments) {
    const auto c = toml_ok("PassivePorts = [49152, 65534]\n");
    EXPECT_EQ(c.root.directives[0].args, (std::vector<std::string>{"49152", "65534"}));
}

TEST(TomlConfig, AnArrayOfArraysRepeatsTheDirective) {
    const auto c = toml_ok("ExecEnviron = [[\"PATH\", \"/bin\"], [\"LANG\", \"-\"]]\n");
    const auto all = c.root.find_all("ExecEnviron");
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[1]->args, (std::vector<std::string>{"LANG", "-"}));
}

TEST(TomlConfig, ZeroArgumentDirectivesAreTrue) {
    const auto c = toml_ok("[[Limit]]\ncommands = \"LOGIN\"\nDenyAll = true\n");
    ASSERT_EQ(c.root.children.size(), 1U);
    EXPECT_TRUE(c.root.children[0].directives[0].args.empty());
}

TEST(TomlConfig, SectionsAreTablesWithTheirArgumentKey) {
    const auto c = toml_ok(
        "[Global]\nUmask = \"022\"\n[[VirtualHost]]\naddress = [\"10.0.0.1\", \"10.0.0.2\"]\nPort = 21\n"
        "[[VirtualHost.Anonymous]]\npath = \"/srv/ftp\"\nUser = \"ftp\"\n[[VirtualHost.Anonymous.Directory]]\n"
        "path = \"incoming\"\n[[VirtualHost.Anonymous.Directory.Limit]]\ncommands = [\"READ\", \"WRITE\"]\nDenyAll = true\n");
    ASSERT_EQ(c.root.children.size(), 2U);
    EXPECT_EQ(c.root.children[0].kind, ContextKind::global);
    const Context& vhost = c.root.children[1];
    EXPECT_EQ(vhost.args, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
    const Context& limit = vhost.children[0].children[0].children[0];
    EXPECT_EQ(limit.args, (std::vector<std::string>{"READ", "WRITE"}));
}

TEST(TomlConfig, SameModelAsTheEquivalentProftpdConf) {
    const auto from_toml = toml_ok(
        "ServerName = \"x\"\nTrace = [\"DEFAULT:0\", \"exec:5\"]\n[[Directory]]\npath = \"/srv\"\n"
        "ExecOnCommand = [[\"STOR\", \"/bin/a\"], [\"RETR\", \"/bin/b\", \"%f\"]]\n");
    const auto from_conf = parse_ok(
        "ServerName x\nTrace DEFAULT:0 exec:5\n<Directory /srv>\nExecOnCommand STOR /bin/a\nExecOnCommand RETR "
        "/bin/b %f\n</Directory>\n");
    EXPECT_TRUE(equivalent(from_toml, from_conf));
}

TEST(TomlConfig, IfModuleAndIfDefineTables) {
    LoadOptions options;
    options.defines = {"DEBUG"};
    const auto c = toml_ok(
        "Port = 21\n[IfModule.\"mod_exec.c\"]\nExecEngine = true\n[IfModule.\"mod_sftp.c\"]\nSFTPEngine = true\n"
        "[IfModule.\"!mod_sftp.c\"]\nExecTimeout = 5\n[IfDefine.DEBUG]\nTrace = \"DEFAULT:10\"\n[IfDefine.\"!DEBUG\"]\n"
        "UseIPv6 = true\n",
        options);
    EXPECT_NE(c.root.find("ExecEngine"), nullptr);
    EXPECT_NE(c.root.find("ExecTimeout"), nullptr);
    EXPECT_NE(c.root.find("Trace"), nullptr);
    EXPECT_EQ(c.root.find("UseIPv6"), nullptr);
    EXPECT_EQ(c.root.directives.size(), 4U);
}

TEST(TomlConfig, IncludeKey) {
    LoadOptions options;
    options.include = [](std::string_view pattern, const Limits&) -> Result<std::vector<IncludedFile>> {
        return std::vector<IncludedFile>{{std::string(pattern), "Port 2121\n"}};
    };
    const auto c = toml_ok("Include = \"/etc/wardftpd/port.conf\"\n", options);
    ASSERT_EQ(c.root.directives.size(), 1U);
    EXPECT_EQ(to_string(c.root.directives[0].where), "/etc/wardftpd/port.conf:1:1");
}

TEST(TomlConfig, SyntaxErrorsCarryFileLineAndColumn) {
    const std::string message = toml_error("Port = 21\nServerName = \"unterminated\n");
    EXPECT_EQ(message.rfind("t.toml:2:", 0), 0U) << message;
    EXPECT_NE(message.find("TOML: "), std::string::npos) << message;
}

TEST(TomlConfig, ValidationErrorsPointAtTheValue) {
    EXPECT_EQ(toml_error("Port = 70000\n"), "t.toml:1:8: Port: '70000' is not a port number (0-65535)");
    EXPECT_EQ(toml_error("\nExecOnComand = [\"STOR\", \"/bin/true\"]\n"),
              "t.toml:2:1: unknown directive 'ExecOnComand' (did you mean ExecOnCommand?)");
}

TEST(TomlConfig, WrongContextIsTheSameErrorAsInProftpdConf) {
    EXPECT_EQ(toml_error("[[Anonymous]]\npath = \"/srv\"\nPort = 21\n"),
              "t.toml:3:1: Port is not allowed in <Anonymous /srv> opened at t.toml:1:1 (allowed in: server config, "
              "<Global>, <VirtualHost>)");
}

TEST(TomlConfig, SectionWithoutItsArgumentKey) {
    EXPECT_EQ(toml_error("[[Directory]]\nUmask = \"022\"\n"), "t.toml:1:1: [[Directory]] needs path = ...");
}

TEST(TomlConfig, FloatsAreNotDirectiveValues) {
    EXPECT_EQ(toml_error("TimeoutIdle = 1.5\n"),
              "t.toml:1:15: TimeoutIdle: expected a string, an integer or a boolean, not a TOML float, date or time");
}

TEST(TomlConfig, ATableForADirectiveIsAnError) {
    EXPECT_EQ(toml_error("[Port]\nx = 1\n"),
              "t.toml:1:2: Port: a directive's value must be a string, integer, boolean or array, not a table "
              "(sections are Global, VirtualHost, Anonymous, Directory and Limit)");
}

TEST(TomlConfig, FalseForAZeroArgumentDirectiveIsAnError) {
    EXPECT_EQ(toml_error("[[Limit]]\ncommands = \"LOGIN\"\nDenyAll = false\n"),
              "t.toml:3:1: DenyAll = false: leave the key out instead");
}

}  // namespace
}  // namespace ward::config
