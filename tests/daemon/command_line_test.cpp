#include "daemon/ftp/command_line.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ward::ftp {
namespace {

using namespace std::string_literals;

std::vector<CommandLine> all_lines(CommandLineReader& reader) {
    std::vector<CommandLine> out;
    while (auto line = reader.next()) {
        out.push_back(*line);
    }
    return out;
}

TEST(CommandLineReader, SplitsOnCrlfAndBareLf) {
    CommandLineReader reader;
    reader.feed("USER anonymous\r\nPASS x\nNO");
    auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].text, "USER anonymous");
    EXPECT_EQ(lines[1].text, "PASS x");
    EXPECT_TRUE(reader.has_partial_line());
    reader.feed("OP\r\n");
    lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].text, "NOOP");
}

TEST(CommandLineReader, ByteAtATimeGivesSameLines) {
    const std::string wire = "RETR a\xff\xff\x62\r\nSTOR c\r\0d\r\n"s;
    CommandLineReader reader;
    for (const char c : wire) {
        reader.feed(std::string_view(&c, 1));
    }
    const auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].text, "RETR a\xff" "b");
    EXPECT_EQ(lines[1].text, std::string("STOR c\rd"));
    EXPECT_FALSE(lines[1].has_nul);
}

TEST(CommandLineReader, TelnetCommandsAreRemoved) {
    CommandLineReader reader;
    // IAC IP, IAC DM (the Telnet "Synch" clients send before ABOR), IAC WILL ECHO, IAC DO 3.
    reader.feed("\xff\xf4\xff\xf2" "AB\xff\xfb\x01OR\xff\xfd\x03\r\n");
    const auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].text, "ABOR");
}

TEST(CommandLineReader, NulMarksTheLine) {
    CommandLineReader reader;
    reader.feed("RETR a\0b\r\n"s);
    const auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_TRUE(lines[0].has_nul);
}

TEST(CommandLineReader, OverlongLineIsDroppedOnceAndBounded) {
    CommandLineReader reader;
    const std::string big(kMaxLineBytes * 4, 'A');
    reader.feed(big);
    EXPECT_EQ(reader.queued_lines(), 0U);
    reader.feed("\r\nNOOP\r\n");
    const auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_TRUE(lines[0].overlong);
    EXPECT_TRUE(lines[0].text.empty());
    EXPECT_EQ(lines[1].text, "NOOP");
}

TEST(CommandLineReader, LineOfExactlyTheLimitIsKept) {
    CommandLineReader reader;
    reader.feed(std::string(kMaxLineBytes, 'B') + "\r\n");
    const auto lines = all_lines(reader);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_FALSE(lines[0].overlong);
    EXPECT_EQ(lines[0].text.size(), kMaxLineBytes);
}

TEST(CommandLineReader, DrainAsWireRoundTrips) {
    CommandLineReader first;
    first.feed("TYPE I\r\nRETR x\xff\xff\ry\r\nSTOR hal"s);
    first.feed("f\xff");
    CommandLineReader second;
    second.feed(first.drain_as_wire());
    EXPECT_EQ(first.queued_lines(), 0U);
    EXPECT_FALSE(first.has_partial_line());
    second.feed("\xff" "z\r\n");
    const auto lines = all_lines(second);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0].text, "TYPE I");
    EXPECT_EQ(lines[1].text, "RETR x\xff\ry");
    EXPECT_EQ(lines[2].text, "STOR half\xffz");
}

TEST(CommandLineReader, DrainKeepsAnOverlongLineDiscarding) {
    CommandLineReader first;
    first.feed(std::string(kMaxLineBytes + 10, 'C'));
    CommandLineReader second;
    second.feed(first.drain_as_wire());
    second.feed("tail of the long line\r\nQUIT\r\n");
    const auto lines = all_lines(second);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_TRUE(lines[0].overlong);
    EXPECT_EQ(lines[1].text, "QUIT");
}

}  // namespace
}  // namespace ward::ftp
