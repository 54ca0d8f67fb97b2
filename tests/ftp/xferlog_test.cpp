#include "daemon/ftp/xferlog.hpp"

#include <gtest/gtest.h>

namespace ward::ftp {
namespace {

TEST(Xferlog, WuFtpdFieldOrder) {
    tm when{};
    when.tm_year = 2006 - 1900;
    when.tm_mon = 0;
    when.tm_mday = 2;
    when.tm_hour = 3;
    when.tm_min = 4;
    when.tm_sec = 5;
    when.tm_wday = 1;
    XferlogRecord r;
    r.seconds = 0;
    r.remote_host = "127.0.0.1";
    r.bytes = 1048576;
    r.file = "/srv/ftp/my file";
    r.binary = true;
    r.incoming = false;
    r.user = "alice";
    EXPECT_EQ(format_xferlog_line(r, when),
              "Mon Jan  2 03:04:05 2006 1 127.0.0.1 1048576 /srv/ftp/my_file b _ o r alice ftp 0 * c\n");
    r.anonymous = true;
    r.incoming = true;
    r.binary = false;
    r.complete = false;
    r.file = "/x\ny";
    r.seconds = 12;
    EXPECT_EQ(format_xferlog_line(r, when),
              "Mon Jan  2 03:04:05 2006 12 127.0.0.1 1048576 /x\\x0ay a _ i a alice ftp 0 * i\n");
}

}  // namespace
}  // namespace ward::ftp
