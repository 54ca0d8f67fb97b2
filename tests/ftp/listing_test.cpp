#include "daemon/ftp/listing.hpp"

#include <gtest/gtest.h>

#include "daemon/ftp/args.hpp"

namespace ward::ftp {
namespace {

FileFacts file(std::uint32_t mode, std::int64_t size, std::int64_t mtime) {
    FileFacts f;
    f.mode = mode;
    f.nlink = 1;
    f.uid = 1000;
    f.gid = 100;
    f.size = size;
    f.mtime = mtime;
    f.dev = 0xfe00;
    f.ino = 0x1234;
    return f;
}

constexpr std::int64_t k2010 = 1262304000;  // 2010-01-01 00:00:00 UTC

TEST(ModeString, LikeLs) {
    EXPECT_EQ(mode_string(S_IFREG | 0644), "-rw-r--r--");
    EXPECT_EQ(mode_string(S_IFDIR | 0755), "drwxr-xr-x");
    EXPECT_EQ(mode_string(S_IFLNK | 0777), "lrwxrwxrwx");
    EXPECT_EQ(mode_string(S_IFREG | 04755), "-rwsr-xr-x");
    EXPECT_EQ(mode_string(S_IFREG | 02644), "-rw-r-Sr--");
    EXPECT_EQ(mode_string(S_IFDIR | 01777), "drwxrwxrwt");
}

TEST(ListLine, RecentFilesShowTimeOlderShowYear) {
    std::string out;
    append_list_line(out, file(S_IFREG | 0644, 1234, k2010), "alice", "users", "a.txt", "", k2010 + 3600);
    EXPECT_EQ(out, "-rw-r--r--   1 alice    users        1234 Jan  1 00:00 a.txt\r\n");
    out.clear();
    append_list_line(out, file(S_IFREG | 0644, 5, k2010), "averyverylongname", "g", "b", "", k2010 + 400 * 86400);
    EXPECT_EQ(out, "-rw-r--r--   1 averyverylongname g               5 Jan  1  2010 b\r\n");
    out.clear();
    append_list_line(out, file(S_IFLNK | 0777, 5, k2010), "u", "g", "l", "target", k2010);
    EXPECT_EQ(out.substr(out.size() - 14), " l -> target\r\n");
}

// ls and ProFTPD pad the day of the month with a space ("Dec  2"); two-digit days fill the field.
TEST(ListLine, DayOfMonthIsSpacePaddedLikeLs) {
    constexpr std::int64_t kDec2 = 1764633600;   // 2025-12-02 00:00:00 UTC
    constexpr std::int64_t kDec12 = 1765497600;  // 2025-12-12 00:00:00 UTC
    std::string out;
    append_list_line(out, file(S_IFREG | 0644, 1, kDec2), "u", "g", "f", "", kDec2);
    EXPECT_NE(out.find(" Dec  2 00:00 f"), std::string::npos) << out;
    out.clear();
    append_list_line(out, file(S_IFREG | 0644, 1, kDec12), "u", "g", "f", "", kDec12);
    EXPECT_NE(out.find(" Dec 12 00:00 f"), std::string::npos) << out;
}

TEST(Mdtm, ParsesWhatItFormatsAndRefusesImpossibleDates) {
    EXPECT_EQ(parse_mdtm("20251202000000"), 1764633600);
    EXPECT_EQ(parse_mdtm(format_mdtm(1765497600)), 1765497600);
    EXPECT_EQ(parse_mdtm("20251202000000.123"), 1764633600);
    EXPECT_FALSE(parse_mdtm("20250231000000"));  // no 31st of February
    EXPECT_FALSE(parse_mdtm("2025120200000"));
    EXPECT_FALSE(parse_mdtm("2025120200000x"));
    EXPECT_FALSE(parse_mdtm("20251202000000."));
}

TEST(ListLine, ExtremeTimesDoNotOverflow) {
    std::string out;
    append_list_line(out, file(S_IFREG | 0644, 1, INT64_MIN), "u", "g", "x", "", INT64_MAX);
    EXPECT_EQ(out.substr(out.size() - 3), "x\r\n");
    out.clear();
    append_list_line(out, file(S_IFREG | 0644, 1, INT64_MAX), "u", "g", "y", "", INT64_MIN);
    EXPECT_NE(out.find(" 1970 y"), std::string::npos);
}

TEST(Mdtm, UtcDigits) {
    EXPECT_EQ(format_mdtm(k2010), "20100101000000");
    EXPECT_EQ(format_mdtm(1000000000), "20010909014640");
    EXPECT_EQ(format_mdtm(0), "19700101000000");
}

TEST(MlsxPerm, FromModeBits) {
    EXPECT_EQ(mlsx_perm(file(S_IFREG | 0644, 0, 0), 1000, 100, true), "adfrw");
    EXPECT_EQ(mlsx_perm(file(S_IFREG | 0644, 0, 0), 2000, 100, false), "r");
    EXPECT_EQ(mlsx_perm(file(S_IFREG | 0600, 0, 0), 2000, 200, false), "");
    EXPECT_EQ(mlsx_perm(file(S_IFDIR | 0755, 0, 0), 1000, 100, false), "cmpel");
    EXPECT_EQ(mlsx_perm(file(S_IFDIR | 0755, 0, 0), 3000, 300, true), "dfel");
    EXPECT_EQ(mlsx_perm(file(S_IFREG | 0000, 0, 0), 0, 0, true), "adfrw");
}

TEST(MlsxFacts, SelectedFactsInOrder) {
    std::string out;
    MlsxNames names{"file", "r", "alice", "users"};
    append_mlsx_facts(out, file(S_IFREG | 0640, 5, k2010), kAllMlstFacts, names);
    EXPECT_EQ(out,
              "modify=20100101000000;perm=r;size=5;type=file;unique=FE00U1234;UNIX.group=100;UNIX.groupname=users;"
              "UNIX.mode=0640;UNIX.owner=1000;UNIX.ownername=alice; ");
    out.clear();
    append_mlsx_facts(out, file(S_IFREG | 0640, 5, k2010), kFactSize | kFactType, names);
    EXPECT_EQ(out, "size=5;type=file; ");
    out.clear();
    append_mlsx_facts(out, file(S_IFREG | 04755, 5, k2010), kFactUnixMode, names);
    EXPECT_EQ(out, "UNIX.mode=04755; ");
    EXPECT_EQ(mlsx_type(S_IFDIR), "dir");
    EXPECT_EQ(mlsx_type(S_IFLNK), "OS.unix=symlink");
}

TEST(Listing, FakeModeKeepsTheTypeAndGivesDirectoriesSearchWhereReadable) {
    EXPECT_EQ(fake_mode(S_IFREG | 0600, 0644), static_cast<std::uint32_t>(S_IFREG | 0644));
    EXPECT_EQ(fake_mode(S_IFDIR | 0700, 0604), static_cast<std::uint32_t>(S_IFDIR | 0705));
    EXPECT_EQ(fake_mode(S_IFDIR | 0755, 0640), static_cast<std::uint32_t>(S_IFDIR | 0750));
    EXPECT_EQ(mode_string(fake_mode(S_IFLNK | 0777, 0444)), "lr--r--r--");
}

}  // namespace
}  // namespace ward::ftp
