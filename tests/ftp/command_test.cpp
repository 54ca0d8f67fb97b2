#include "daemon/ftp/command.hpp"

#include <gtest/gtest.h>

namespace ward::ftp {
namespace {

TEST(ParseCommand, SplitsVerbAndKeepsArgumentSpaces) {
    const auto c = parse_command("retr  my file ");
    EXPECT_TRUE(c.valid_verb);
    EXPECT_EQ(c.verb, "RETR");
    EXPECT_TRUE(c.has_argument);
    EXPECT_EQ(c.argument, " my file ");
}

TEST(ParseCommand, VerbWithoutArgument) {
    const auto c = parse_command("NOOP");
    EXPECT_TRUE(c.valid_verb);
    EXPECT_FALSE(c.has_argument);
    EXPECT_EQ(c.argument, "");
    EXPECT_TRUE(parse_command("PASS ").has_argument);
    EXPECT_EQ(parse_command("PASS ").argument, "");
}

TEST(ParseCommand, NonLetterVerbIsInvalidAndPrintable) {
    const auto c = parse_command("\x01\x02X y");
    EXPECT_FALSE(c.valid_verb);
    EXPECT_EQ(c.verb, "\\x01\\x02X");
    EXPECT_FALSE(parse_command("").valid_verb);
    EXPECT_FALSE(parse_command(" NOOP").valid_verb);
    EXPECT_FALSE(parse_command(std::string(kMaxVerbBytes + 1, 'A')).valid_verb);
    EXPECT_TRUE(parse_command(std::string(kMaxVerbBytes, 'A')).valid_verb);
}

TEST(ParseSiteCommand, SubcommandAndArgument) {
    const auto c = parse_site_command("chmod   755 a b");
    EXPECT_EQ(c.verb, "CHMOD");
    EXPECT_EQ(c.argument, "755 a b");
    EXPECT_FALSE(parse_site_command("HELP").has_argument);
}

TEST(CommandTable, KnowsEveryRequiredVerbAndItsRules) {
    for (const char* verb : {"USER", "PASS", "ACCT", "QUIT", "REIN", "PWD", "XPWD", "CWD", "XCWD", "CDUP", "XCUP",
                             "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO", "SIZE", "MDTM", "LIST", "NLST",
                             "MLSD", "MLST", "RETR", "STOR", "STOU", "APPE", "REST", "TYPE", "MODE", "STRU", "PASV",
                             "EPSV", "PORT", "EPRT", "ABOR", "NOOP", "SYST", "FEAT", "OPTS", "HELP", "STAT", "ALLO",
                             "SITE", "HOST", "CLNT", "LANG", "MFMT", "MFF"}) {
        EXPECT_NE(find_command(verb), nullptr) << verb;
    }
    EXPECT_EQ(find_command("XYZ"), nullptr);
    EXPECT_EQ(find_command("XMKD")->canonical, "MKD");
    for (const char* verb : {"AUTH", "PBSZ", "PROT", "CCC"}) {
        ASSERT_NE(find_command(verb), nullptr) << verb;
        EXPECT_EQ(find_command(verb)->module, "mod_tls.c") << verb;
    }
    for (const auto& spec : command_table()) {
        const bool pre = spec.verb == "USER" || spec.verb == "PASS" || spec.verb == "QUIT" || spec.verb == "NOOP" ||
                         spec.verb == "FEAT" || spec.verb == "SYST" || spec.verb == "HELP" || spec.verb == "OPTS" ||
                         spec.verb == "HOST" || spec.verb == "CLNT" || spec.verb == "LANG" || spec.verb == "TYPE" ||
                         spec.module == "mod_tls.c";  // AUTH TLS, PBSZ, PROT, CCC come before USER (RFC 4217)
        EXPECT_EQ(spec.before_login, pre) << spec.verb;
    }
}

TEST(CommandTable, PathArgumentForHooks) {
    EXPECT_EQ(path_of_argument(*find_command("RETR"), "a b"), "a b");
    EXPECT_EQ(path_of_argument(*find_command("MFMT"), "20250101000000 a b"), "a b");
    EXPECT_EQ(path_of_argument(*find_command("NOOP"), "x"), "");
}

TEST(CommandTable, SiteSubcommandsAreCheckedUnderTheirOwnLimitName) {
    ASSERT_NE(find_site_command("CHMOD"), nullptr);
    EXPECT_EQ(find_site_command("CHMOD")->limit_name, "SITE_CHMOD");
    EXPECT_NE(find_site_command("CPFR"), nullptr);
    EXPECT_EQ(find_site_command("NOPE"), nullptr);
}

}  // namespace
}  // namespace ward::ftp
