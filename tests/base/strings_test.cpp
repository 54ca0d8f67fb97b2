#include "base/strings.hpp"

#include <gtest/gtest.h>

namespace ward {
namespace {

TEST(Strings, CaseInsensitiveCompare) {
    EXPECT_TRUE(iequals("ExecOnCommand", "execoncommand"));
    EXPECT_FALSE(iequals("Exec", "ExecOn"));
    EXPECT_TRUE(istarts_with("SITE CHMOD", "site "));
}

TEST(Strings, SplitKeepsEmptyFields) {
    const auto parts = split("a,,b", ',');
    ASSERT_EQ(parts.size(), 3U);
    EXPECT_EQ(parts[1], "");
    EXPECT_EQ(split_words("  RETR \t file  ").size(), 2U);
}

TEST(Strings, ParseUnsignedIsStrict) {
    EXPECT_EQ(parse_unsigned<unsigned>("21"), 21U);
    EXPECT_FALSE(parse_unsigned<unsigned>(""));
    EXPECT_FALSE(parse_unsigned<unsigned>("-1"));
    EXPECT_FALSE(parse_unsigned<unsigned>("+1"));
    EXPECT_FALSE(parse_unsigned<unsigned>("1 "));
    EXPECT_FALSE(parse_unsigned<std::uint16_t>("70000"));
    EXPECT_EQ(parse_unsigned<unsigned>("022", 8), 18U);
}

TEST(Strings, EscapeForLogNeutralisesControlBytes) {
    EXPECT_EQ(escape_for_log("a\r\nb"), "a\\x0d\\x0ab");
    EXPECT_EQ(escape_for_log("back\\slash"), "back\\x5cslash");
    EXPECT_EQ(escape_for_log("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays readable
}

TEST(Strings, StrCatJoinsPieces) {
    EXPECT_EQ(str_cat("port ", 21, ' ', std::string_view("ok"), ' ', -3), "port 21 ok -3");
}

}  // namespace
}  // namespace ward
