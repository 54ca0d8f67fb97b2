#include "daemon/auth/passwd_file.hpp"

#include <gtest/gtest.h>

namespace ward::auth {
namespace {

TEST(AuthUserFile, ParsesProftpdFormat) {
    const auto entry = parse_passwd_line("alice:$6$salt$hash:1001:1001:Alice A.:/srv/ftp/alice:/bin/sh");
    ASSERT_TRUE(entry);
    ASSERT_TRUE(entry->has_value());
    const PasswdEntry& e = **entry;
    EXPECT_EQ(e.name, "alice");
    EXPECT_EQ(e.hash, "$6$salt$hash");
    EXPECT_EQ(e.uid, 1001U);
    EXPECT_EQ(e.home, "/srv/ftp/alice");
    EXPECT_EQ(e.shell, "/bin/sh");
}

TEST(AuthUserFile, SkipsBlankAndCommentLines) {
    EXPECT_FALSE(parse_passwd_line("")->has_value());
    EXPECT_FALSE(parse_passwd_line("# a comment")->has_value());
    EXPECT_FALSE(parse_passwd_line("   ")->has_value());
}

TEST(AuthUserFile, MalformedLinesAreErrors) {
    EXPECT_EQ(parse_passwd_line("a:b:c").error().message, "expected 7 fields separated by ':', found 3");
    EXPECT_EQ(parse_passwd_line("a:h:x:1:g:/h:/bin/sh").error().message, "bad uid 'x'");
    EXPECT_EQ(parse_passwd_line("a:h:1:-1:g:/h:/bin/sh").error().message, "bad gid '-1'");
    EXPECT_EQ(parse_passwd_line("a:h:4294967295:1:g:/h:/bin/sh").error().message, "bad uid '4294967295'");
    EXPECT_EQ(parse_passwd_line("a:h:1:1:g:relative:/bin/sh").error().message,
              "home directory 'relative' is not an absolute path");
    EXPECT_EQ(parse_passwd_line(":h:1:1:g:/h:/bin/sh").error().message, "empty user name");
}

TEST(AuthUserFile, FindSkipsMalformedAndReportsLines) {
    const std::string text =
        "# users\n"
        "broken line\n"
        "bob:hash1:1002:1002::/home/bob:/bin/sh\n"
        "bob:hash2:1003:1003::/home/bob2:/bin/sh\n";
    std::vector<Warning> warnings;
    const auto bob = find_passwd(text, "bob", &warnings);
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->hash, "hash1");  // the first match wins
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0].line, 2U);
    EXPECT_FALSE(find_passwd(text, "carol"));
}

TEST(AuthUserFile, OverlongLineIsSkipped) {
    const std::string text = "eve:" + std::string(kMaxAuthLineBytes, 'x') + ":1:1::/h:/s\nok:h:1:1::/h:/bin/sh\n";
    std::vector<Warning> warnings;
    EXPECT_FALSE(find_passwd(text, "eve", &warnings));
    EXPECT_TRUE(find_passwd(text, "ok"));
    ASSERT_EQ(warnings.size(), 1U);
}

TEST(AuthGroupFile, ReadsMembers) {
    const auto groups = read_groups("ftpusers:x:2000:alice, bob\nempty:x:2001:\n");
    ASSERT_EQ(groups.size(), 2U);
    EXPECT_EQ(groups[0].members, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_TRUE(groups[1].members.empty());
}

}  // namespace
}  // namespace ward::auth
