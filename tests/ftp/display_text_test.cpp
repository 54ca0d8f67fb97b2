#include "daemon/ftp/display_text.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/unique_fd.hpp"
#include "daemon/ftp/reply.hpp"

namespace ward::ftp {
namespace {

DisplayValues sample() {
    DisplayValues v;
    v.cwd = "/pub";
    v.local_host = "192.0.2.1";
    v.remote_host = "198.51.100.7";
    v.login_name = "alice";
    v.server_name = "Peeves";
    v.bytes_in = 100;
    v.bytes_out = 23;
    return v;
}

TEST(DisplayText, ExpandsProftpdsDisplayVariables) {
    EXPECT_EQ(expand_display("%U in %C on %V (%L) from %R", sample()),
              "alice in /pub on Peeves (192.0.2.1) from 198.51.100.7");
    EXPECT_EQ(expand_display("%{total_bytes_in}+%{total_bytes_out}=%{total_bytes_xfer} %K", sample()),
              "100+23=123 123");
    EXPECT_EQ(expand_display("100%% sure", sample()), "100% sure");
}

TEST(DisplayText, LeavesWhatItCannotExpandAsWritten) {
    EXPECT_EQ(expand_display("%N clients, %Q, %{nope}, %F, trailing %", sample()),
              "%N clients, %Q, %{nope}, %F, trailing %");
    EXPECT_EQ(expand_display("%{unterminated", sample()), "%{unterminated");
}

TEST(DisplayText, AValueIsNeverScannedAgain) {
    DisplayValues v = sample();
    v.login_name = "%C%{total_bytes_in}";
    EXPECT_EQ(expand_display("user %U", v), "user %C%{total_bytes_in}");
}

TEST(DisplayText, FreeSpaceInBytesAndWithUnits) {
    DisplayValues v = sample();
    v.free_bytes = std::uint64_t{3} * 1024 * 1024 * 1024 / 2;
    EXPECT_EQ(expand_display("%F %f", v), "1610612736 1.5GB");
    EXPECT_EQ(with_units(512), "512B");
    EXPECT_EQ(with_units(2048), "2.0KB");
}

TEST(DisplayText, ServerIdentStyleLookup) {
    const auto lookup = [](std::string_view name) -> std::optional<std::string> {
        if (name == "version") {
            return std::string("1.2.3");
        }
        return std::nullopt;
    };
    EXPECT_EQ(expand_percent("Server (%{version}) %v", lookup), "Server (1.2.3) %v");
}

// The reply form ProFTPD uses: first line after the code, the rest indented by one space, then the caller's
// closing line.
TEST(DisplayText, FileLinesBecomeContinuationLines) {
    auto lines = display_reply_lines("Welcome %U\r\nsecond\n\nlast\n", sample());
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[0], "Welcome alice");
    EXPECT_EQ(lines[1], " second");
    EXPECT_EQ(lines[3], " last");
    lines.emplace_back("User alice logged in");
    std::string wire;
    append_reply(wire, 230, lines);
    EXPECT_EQ(wire, "230-Welcome alice\r\n second\r\n \r\n last\r\n230 User alice logged in\r\n");
    EXPECT_TRUE(display_reply_lines("", sample()).empty());
    EXPECT_TRUE(display_reply_lines("\n", sample()).empty());
}

TEST(DisplayText, ReadsOnlyRegularFilesWithFreeSpaceOnRequest) {
    char name[] = "/tmp/display_text_testXXXXXX";
    const int raw = ::mkstemp(name);
    ASSERT_GE(raw, 0);
    const UniqueFd fd(raw);
    ASSERT_EQ(::write(fd.get(), "hello\n", 6), 6);
    ::unlink(name);
    ASSERT_EQ(::lseek(fd.get(), 0, SEEK_SET), 0);
    auto file = read_display_file(fd.get(), "test", true);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(file->text, "hello\n");
    EXPECT_TRUE(file->free_bytes.has_value());
    ASSERT_EQ(::lseek(fd.get(), 0, SEEK_SET), 0);
    file = read_display_file(fd.get(), "test", false);
    ASSERT_TRUE(file.has_value());
    EXPECT_FALSE(file->free_bytes.has_value());
    const UniqueFd dir(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    EXPECT_FALSE(read_display_file(dir.get(), "dir", false).has_value());
}

}  // namespace
}  // namespace ward::ftp
