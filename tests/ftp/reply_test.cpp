#include "daemon/ftp/reply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ward::ftp {
namespace {

TEST(Reply, SingleAndMultiLine) {
    std::string out;
    append_reply(out, 200, "NOOP command successful");
    EXPECT_EQ(out, "200 NOOP command successful\r\n");
    out.clear();
    const std::vector<std::string> lines{"Features:", " SIZE", "hook line", "End"};
    append_reply(out, 211, lines);
    EXPECT_EQ(out, "211-Features:\r\n SIZE\r\n211-hook line\r\n211 End\r\n");
}

TEST(Reply, LineEndsInTextCannotEndTheReply) {
    std::string out;
    append_reply(out, 550, "a\r\n200 forged\nb");
    EXPECT_EQ(out, std::string("550 a\r\0\0" "200 forged\0b\r\n", 22));
    EXPECT_EQ(out.find("\r\n"), out.size() - 2);
}

TEST(Reply, EmptyLinesStillFormAReply) {
    std::string out;
    append_reply(out, 226, std::vector<std::string>{});
    EXPECT_EQ(out, "226 \r\n");
}

}  // namespace
}  // namespace ward::ftp
