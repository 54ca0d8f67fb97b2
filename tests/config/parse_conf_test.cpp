// The proftpd.conf reader: comments, quoting, escapes, continuation, names, conditionals, Include, %{env:}.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/load.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;
using testing::parse_ok;

TEST(ProftpdConf, DirectiveNamesAreCaseInsensitiveAndCanonicalised) {
    const auto c = parse_ok("servername \"A\"\nPORT 2121\n");
    ASSERT_EQ(c.root.directives.size(), 2U);
    EXPECT_EQ(c.root.directives[0].name, "ServerName");
    EXPECT_EQ(c.root.directives[1].name, "Port");
    EXPECT_EQ(c.root.directives[1].args, std::vector<std::string>{"2121"});
}

TEST(ProftpdConf, CommentLinesAndTrailingCommentWordsAreSkipped) {
    const auto c = parse_ok("# a comment\n   # indented comment\n\nServerName foo # trailing\nDisplayLogin ftp#not-a-comment\n");
    ASSERT_EQ(c.root.directives.size(), 2U);
    EXPECT_EQ(c.root.directives[0].args, std::vector<std::string>{"foo"});
    EXPECT_EQ(c.root.directives[1].args, std::vector<std::string>{"ftp#not-a-comment"});
}

TEST(ProftpdConf, QuotedWordsKeepSpacesAndBackslashEscapesTheNextByte) {
    const auto c = parse_ok(R"(ServerIdent on "say \"hi\" \\ there # not a comment")" "\n");
    ASSERT_EQ(c.root.directives[0].args.size(), 2U);
    EXPECT_EQ(c.root.directives[0].args[1], R"(say "hi" \ there # not a comment)");
}

TEST(ProftpdConf, BackslashOutsideQuotesIsLiteral) {
    const auto c = parse_ok("DenyFilter \\*.*/\n");
    EXPECT_EQ(c.root.directives[0].args, std::vector<std::string>{"\\*.*/"});
}

TEST(ProftpdConf, AWordEndsRightAfterItsClosingQuote) {
    const auto c = parse_ok("ServerIdent \"on\"\"text\"\n");
    EXPECT_EQ(c.root.directives[0].args, (std::vector<std::string>{"on", "text"}));
}

TEST(ProftpdConf, BackslashAtEndOfLineJoinsTheNextLine) {
    const auto c = parse_ok("ExecOnCommand STOR \\\n  /usr/bin/hook \\\n  %f\nPort 21\n");
    ASSERT_EQ(c.root.directives.size(), 2U);
    EXPECT_EQ(c.root.directives[0].args, (std::vector<std::string>{"STOR", "/usr/bin/hook", "%f"}));
    EXPECT_EQ(c.root.directives[1].where.line, 4U);
}

TEST(ProftpdConf, CarriageReturnLineEndingsAreAccepted) {
    const auto c = parse_ok("ServerName a\r\nPort 21\r\n");
    EXPECT_EQ(c.root.directives[0].args, std::vector<std::string>{"a"});
    EXPECT_EQ(c.root.directives[1].args, std::vector<std::string>{"21"});
}

TEST(ProftpdConf, LocationsAreFileLineAndColumnOfTheDirectiveName) {
    const auto c = parse_ok("\n   Port 21\n", {}, "x.conf");
    EXPECT_EQ(to_string(c.root.directives[0].where), "x.conf:2:4");
}

TEST(ProftpdConf, SectionsNestIntoContexts) {
    const auto c = parse_ok(
        "<Global>\n  Umask 022\n</Global>\n<VirtualHost 10.0.0.1 10.0.0.2>\n  Port 2121\n"
        "  <Anonymous /srv/ftp>\n    User ftp\n    <Directory incoming>\n      <Limit READ WRITE>\n        DenyAll\n"
        "      </Limit>\n    </Directory>\n  </Anonymous>\n</VirtualHost>\n");
    ASSERT_EQ(c.root.children.size(), 2U);
    EXPECT_EQ(c.root.children[0].kind, ContextKind::global);
    const Context& vhost = c.root.children[1];
    EXPECT_EQ(vhost.kind, ContextKind::virtual_host);
    EXPECT_EQ(vhost.args, (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
    const Context& limit = vhost.children[0].children[0].children[0];
    EXPECT_EQ(limit.kind, ContextKind::limit);
    EXPECT_EQ(limit.args, (std::vector<std::string>{"READ", "WRITE"}));
    ASSERT_EQ(limit.directives.size(), 1U);
    EXPECT_EQ(limit.directives[0].name, "DenyAll");
}

TEST(ProftpdConf, SectionTagsAreCaseInsensitive) {
    const auto c = parse_ok("<directory /srv>\n</DIRECTORY>\n");
    ASSERT_EQ(c.root.children.size(), 1U);
    EXPECT_EQ(c.root.children[0].args, std::vector<std::string>{"/srv"});
}

TEST(ProftpdConf, IfModuleOfABuiltInModuleIsRead) {
    const auto c = parse_ok("<IfModule mod_exec.c>\n  ExecEngine on\n</IfModule>\n<IfModule mod_cap>\n"
                            "  CapabilitiesEngine on\n</IfModule>\n");
    EXPECT_NE(c.root.find("ExecEngine"), nullptr);
    EXPECT_NE(c.root.find("CapabilitiesEngine"), nullptr);
}

TEST(ProftpdConf, IfModuleOfAMissingModuleIsSkippedUnread) {
    const auto c = parse_ok("<IfModule mod_sftp.c>\n  SFTPEngine on\n  <IfModule mod_sql.c>\n  NoSuchThing\n"
                            "  </IfModule>\n  Garbage \"unterminated\n</IfModule>\nPort 21\n");
    ASSERT_EQ(c.root.directives.size(), 1U);
    EXPECT_EQ(c.root.directives[0].name, "Port");
}

TEST(ProftpdConf, NegatedIfModuleIsReadWhenTheModuleIsMissing) {
    const auto c = parse_ok("<IfModule !mod_sftp.c>\n  Port 990\n</IfModule>\n<IfModule !mod_exec.c>\n  Port 1\n"
                            "</IfModule>\n");
    ASSERT_EQ(c.root.directives.size(), 1U);
    EXPECT_EQ(c.root.directives[0].args, std::vector<std::string>{"990"});
}

TEST(ProftpdConf, IfDefineFollowsTheDefinesFromTheCommandLine) {
    LoadOptions options;
    options.defines = {"DEBUG"};
    const auto c = parse_ok("<IfDefine DEBUG>\n  Trace DEFAULT:10\n</IfDefine>\n<IfDefine !DEBUG>\n  Port 1\n"
                            "</IfDefine>\n<IfDefine TESTING>\n  Port 2\n</IfDefine>\n",
                            options);
    ASSERT_EQ(c.root.directives.size(), 1U);
    EXPECT_EQ(c.root.directives[0].name, "Trace");
}

TEST(ProftpdConf, EnvironmentVariablesAreExpandedOnceInEveryWord) {
    LoadOptions options;
    options.env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "FTP_NAME") {
            return std::string("Example %{env:FTP_NAME}");
        }
        if (name == "PORT") {
            return std::string("2121");
        }
        return std::nullopt;
    };
    const auto c = parse_ok("ServerName \"%{env:FTP_NAME} server\"\nPort %{env:PORT}\n", options);
    EXPECT_EQ(c.root.directives[0].args[0], "Example %{env:FTP_NAME} server");
    EXPECT_EQ(c.root.directives[1].args[0], "2121");
}

class IncludeTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("ward-config-include-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "conf.d");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }
    [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

    std::filesystem::path dir_;
};

TEST_F(IncludeTest, GlobIncludesFilesSortedByName) {
    write("conf.d/20-b.conf", "ExecEnviron B 2\n");
    write("conf.d/10-a.conf", "ExecEnviron A 1\n");
    write("conf.d/notes.txt", "this is not read\n");
    write("main.conf", "ExecEnviron FIRST 0\nInclude " + path("conf.d") + "/*.conf\nExecEnviron LAST 3\n");
    auto c = load_file(path("main.conf"));
    ASSERT_TRUE(c) << c.error().message;
    const auto all = c->root.find_all("ExecEnviron");
    ASSERT_EQ(all.size(), 4U);
    EXPECT_EQ(all[1]->args[0], "A");
    EXPECT_EQ(all[2]->args[0], "B");
    EXPECT_NE(all[1]->where.file.find("10-a.conf"), std::string::npos);
}

TEST_F(IncludeTest, IncludingADirectoryReadsEveryFileInIt) {
    write("conf.d/b", "Port 2\n");
    write("conf.d/a", "ServerName a\n");
    write("main.conf", "Include " + path("conf.d") + "/\n");
    auto c = load_file(path("main.conf"));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->root.directives.size(), 2U);
    EXPECT_EQ(c->root.directives[0].name, "ServerName");
}

TEST_F(IncludeTest, AGlobThatMatchesNothingIncludesNothing) {
    write("main.conf", "Include " + path("conf.d") + "/*.conf\nPort 21\n");
    auto c = load_file(path("main.conf"));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->root.directives.size(), 1U);
}

TEST_F(IncludeTest, IncludedFilesLandInTheEnclosingSection) {
    write("conf.d/limit.conf", "AllowUser bob\nDenyAll\n");
    write("main.conf", "<Limit LOGIN>\n  Include " + path("conf.d/limit.conf") + "\n</Limit>\n");
    auto c = load_file(path("main.conf"));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->root.children[0].directives.size(), 2U);
}

TEST_F(IncludeTest, AnIncludeCycleIsAnErrorNamingTheChain) {
    write("a.conf", "Include " + path("b.conf") + "\n");
    write("b.conf", "Port 21\nInclude " + path("a.conf") + "\n");
    auto c = load_file(path("a.conf"));
    ASSERT_FALSE(c);
    const std::string b = std::filesystem::canonical(dir_ / "b.conf").string();
    const std::string a = std::filesystem::canonical(dir_ / "a.conf").string();
    EXPECT_EQ(c.error().message, b + ":2:9: Include cycle: " + a + " -> " + b + " -> " + a);
}

TEST_F(IncludeTest, AMissingIncludedFileIsAnError) {
    write("main.conf", "\nInclude " + path("missing.conf") + "\n");
    auto c = load_file(path("main.conf"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, path("main.conf") + ":2:9: Include " + path("missing.conf") + ": open " +
                                     path("missing.conf") + ": No such file or directory");
}

TEST_F(IncludeTest, ATomlFileCanBeIncludedFromProftpdConf) {
    write("conf.d/extra.toml", "ExecTimeout = 5\n");
    write("main.conf", "Include " + path("conf.d/extra.toml") + "\n");
    auto c = load_file(path("main.conf"));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_NE(c->root.find("ExecTimeout"), nullptr);
    EXPECT_EQ(c->root.find("ExecTimeout")->args[0], "5");
}

TEST(ProftpdConf, IncludeGoesThroughTheResolverInLoadOptions) {
    LoadOptions options;
    options.include = [](std::string_view pattern, const Limits&) -> Result<std::vector<IncludedFile>> {
        if (pattern == "/etc/x/*.conf") {
            return std::vector<IncludedFile>{{"/etc/x/a.conf", "Port 2121\n"}};
        }
        return Error{"unexpected pattern"};
    };
    const auto c = parse_ok("Include /etc/x/*.conf\n", options);
    ASSERT_EQ(c.root.directives.size(), 1U);
    EXPECT_EQ(to_string(c.root.directives[0].where), "/etc/x/a.conf:1:1");
}

TEST(ProftpdConf, ARelativeIncludeIsAnError) {
    EXPECT_EQ(parse_error("Include conf.d/*.conf\n"), "t.conf:1:9: Include: 'conf.d/*.conf' must be an absolute path");
}

}  // namespace
}  // namespace ward::config
