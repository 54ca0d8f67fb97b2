#include "daemon/ftp/args.hpp"

#include <gtest/gtest.h>

namespace ward::ftp {
namespace {

TEST(PortArgument, ParsesSixNumbers) {
    const auto t = parse_port_argument("127,0,0,1,4,1");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->family, HostPort::Family::ipv4);
    EXPECT_EQ(t->address[0], 127);
    EXPECT_EQ(t->address[3], 1);
    EXPECT_EQ(t->port, 1025);
}

TEST(PortArgument, RejectsMalformed) {
    for (const char* bad : {"", "1,2,3,4,5", "1,2,3,4,5,6,7", "256,0,0,1,1,1", "1,2,3,4,5,-6", "a,b,c,d,e,f",
                            "1,2,3,4,5,0006", "1,,3,4,5,6", "+1,2,3,4,5,6"}) {
        EXPECT_FALSE(parse_port_argument(bad)) << bad;
    }
}

TEST(EprtArgument, ParsesBothFamiliesAndAnyDelimiter) {
    auto r = parse_eprt_argument("|1|132.235.1.2|6275|");
    ASSERT_EQ(r.status, EprtResult::Status::ok);
    EXPECT_EQ(r.target.port, 6275);
    EXPECT_EQ(r.target.address[0], 132);
    r = parse_eprt_argument("!2!1080::8:800:200C:417A!5282!");
    ASSERT_EQ(r.status, EprtResult::Status::ok);
    EXPECT_EQ(r.target.family, HostPort::Family::ipv6);
    EXPECT_EQ(r.target.address[0], 0x10);
    EXPECT_EQ(r.target.port, 5282);
}

TEST(EprtArgument, RejectsMalformedAndReportsUnknownProtocols) {
    EXPECT_EQ(parse_eprt_argument("|3|1.2.3.4|5|").status, EprtResult::Status::unsupported_protocol);
    for (const char* bad : {"", "|1|1.2.3.4|5", "|1|1.2.3.4|0|", "|1|1.2.3.4|65536|", "|1|::1|5|", "|2|1.2.3.4|5|",
                            "|x|1.2.3.4|5|", "|1|1.2.3.4|5|6|", " 1 1.2.3.4 5 "}) {
        EXPECT_EQ(parse_eprt_argument(bad).status, EprtResult::Status::syntax) << bad;
    }
}

TEST(EpsvArgument, Kinds) {
    EXPECT_EQ(parse_epsv_argument("").kind, EpsvArgument::Kind::any);
    EXPECT_EQ(parse_epsv_argument("all").kind, EpsvArgument::Kind::all);
    EXPECT_EQ(parse_epsv_argument("1").kind, EpsvArgument::Kind::ipv4);
    EXPECT_EQ(parse_epsv_argument("2").kind, EpsvArgument::Kind::ipv6);
    EXPECT_EQ(parse_epsv_argument("7").kind, EpsvArgument::Kind::unsupported);
    EXPECT_EQ(parse_epsv_argument("x").kind, EpsvArgument::Kind::invalid);
}

TEST(RestArgument, AcceptsOffsetsPastFourGiBAndRejectsJunk) {
    EXPECT_EQ(parse_rest_argument("0"), 0U);
    EXPECT_EQ(parse_rest_argument("5368709120"), 5368709120ULL);
    EXPECT_EQ(parse_rest_argument("9223372036854775807"), 9223372036854775807ULL);
    EXPECT_FALSE(parse_rest_argument("9223372036854775808"));
    EXPECT_FALSE(parse_rest_argument("-1"));
    EXPECT_FALSE(parse_rest_argument("12a"));
    EXPECT_FALSE(parse_rest_argument(""));
}

TEST(MlstFacts, ParseIsCaseInsensitiveAndIgnoresUnknown) {
    EXPECT_EQ(parse_mlst_facts("Type;SIZE;bogus;"), kFactType | kFactSize);
    EXPECT_EQ(parse_mlst_facts(""), 0U);
    EXPECT_EQ(parse_mlst_facts("unix.mode"), kFactUnixMode);
    EXPECT_EQ(format_mlst_facts(kFactType | kFactSize, false), "size;type;");  // ProFTPD's order
    EXPECT_EQ(format_mlst_facts(kFactSize, true).substr(0, 17), "modify;perm;size*");
    EXPECT_EQ(parse_mlst_facts(format_mlst_facts(kAllMlstFacts, false)), kAllMlstFacts);
}

TEST(PassiveReplies, Format) {
    EXPECT_EQ(format_pasv_text({10, 0, 0, 1}, 50000), "Entering Passive Mode (10,0,0,1,195,80).");
    EXPECT_EQ(format_epsv_text(50000), "Entering Extended Passive Mode (|||50000|)");
    EXPECT_EQ(parse_ipv4("192.168.1.20"), (std::array<std::uint8_t, 4>{192, 168, 1, 20}));
    EXPECT_FALSE(parse_ipv4("192.168.1"));
    EXPECT_FALSE(parse_ipv4("host.example"));
}

}  // namespace
}  // namespace ward::ftp
