// The PROXY protocol parsers and reader (daemon/master/proxy_protocol.*) and the trusted-proxy list
// (daemon/master/proxy_settings.*).
#include "daemon/master/proxy_protocol.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "config/load.hpp"
#include "daemon/master/proxy_settings.hpp"

namespace ward::master::proxy {
namespace {

using namespace std::string_literals;

std::string v2(unsigned char ver_cmd, unsigned char family, const std::string& block) {
    std::string out("\r\n\r\n\0\r\nQUIT\n"s);
    out.push_back(static_cast<char>(ver_cmd));
    out.push_back(static_cast<char>(family));
    out.push_back(static_cast<char>(block.size() >> 8));
    out.push_back(static_cast<char>(block.size() & 0xff));
    return out + block;
}

const std::string kV4Block("\xc0\x00\x02\x07\x7f\x00\x00\x01\xc3\x50\x08\x4b", 12);  // 192.0.2.7:50000 -> 127.0.0.1:2123

TEST(ProxyProtocol, V1Tcp4AndTcp6) {
    auto h = parse_v1("PROXY TCP4 192.0.2.7 127.0.0.1 50000 2121\r\n");
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(*h, (Header{true, "192.0.2.7", 50000, "127.0.0.1", 2121}));
    h = parse_v1("PROXY TCP6 2001:db8::7 ::1 65535 21\r\n");
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->source_address, "2001:db8::7");
    EXPECT_EQ(h->source_port, 65535);
    h = parse_v1("PROXY TCP6 ::ffff:192.0.2.9 ::1 1 21\r\n");  // IPv4-mapped: named as IPv4, as the master does
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->source_address, "192.0.2.9");
}

TEST(ProxyProtocol, V1UnknownKeepsTheConnectionsAddresses) {
    auto h = parse_v1("PROXY UNKNOWN\r\n");
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->proxied);
    h = parse_v1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n");
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->proxied);
}

TEST(ProxyProtocol, V1Refusals) {
    for (const char* bad : {"PROXY TCP4 192.0.2.7 127.0.0.1 50000 2121\n", "PROXY TCP4 192.0.2.7 127.0.0.1 50000\r\n",
                            "PROXY TCP4 2001:db8::1 127.0.0.1 1 2\r\n", "PROXY TCP6 192.0.2.7 ::1 1 2\r\n",
                            "PROXY TCP4 192.0.2.7 127.0.0.1 65536 21\r\n", "PROXY TCP4 192.0.2.7 127.0.0.1 021 21\r\n",
                            "PROXY TCP4 192.0.2.7  127.0.0.1 1 21\r\n", "PROXY UDP4 192.0.2.7 127.0.0.1 1 21\r\n",
                            "proxy TCP4 192.0.2.7 127.0.0.1 1 21\r\n", "USER alice\r\n",
                            "PROXY TCP4 192.0.2.7 127.0.0.1 -1 21\r\n", "PROXY TCP4 192.0.2.7\r127.0.0.1 1 21\r\n"}) {
        EXPECT_FALSE(parse_v1(bad)) << bad;
    }
    EXPECT_FALSE(parse_v1("PROXY UNKNOWN " + std::string(100, 'x') + "\r\n"));  // past 107 bytes
}

TEST(ProxyProtocol, V2ProxyLocalAndFamilies) {
    auto h = parse_v2(v2(0x21, 0x11, kV4Block));
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(*h, (Header{true, "192.0.2.7", 50000, "127.0.0.1", 2123}));
    h = parse_v2(v2(0x20, 0x00, ""));  // LOCAL: a health check
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->proxied);
    std::string v6(36, '\0');
    v6[0] = '\x20';
    v6[1] = '\x01';
    v6[15] = '\x07';
    v6[31] = '\x01';
    v6[32] = '\x01';
    v6[33] = '\x02';
    h = parse_v2(v2(0x21, 0x21, v6));
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->source_address, "2001::7");
    EXPECT_EQ(h->destination_address, "::1");
    EXPECT_EQ(h->source_port, 258);
    h = parse_v2(v2(0x21, 0x11, kV4Block + "\x04\x00\x01x"));  // a TLV inside the bound is skipped
    ASSERT_TRUE(h);
    EXPECT_EQ(h->source_address, "192.0.2.7");
}

TEST(ProxyProtocol, V2Refusals) {
    EXPECT_FALSE(parse_v2(v2(0x11, 0x11, kV4Block)));                  // version 1 in the v2 frame
    EXPECT_FALSE(parse_v2(v2(0x22, 0x11, kV4Block)));                  // command 2
    EXPECT_FALSE(parse_v2(v2(0x21, 0x31, std::string(216, 'a'))));   // AF_UNIX
    EXPECT_FALSE(parse_v2(v2(0x21, 0x12, kV4Block)));                  // DGRAM
    EXPECT_FALSE(parse_v2(v2(0x21, 0x11, kV4Block.substr(0, 11))));    // short block
    EXPECT_FALSE(parse_v2(v2(0x21, 0x21, kV4Block)));                  // IPv6 family, IPv4-sized block
    EXPECT_FALSE(parse_v2(v2(0x21, 0x11, kV4Block + std::string(205, '\0'))));  // 233 bytes: past the bound
    EXPECT_TRUE(parse_v2(v2(0x21, 0x11, kV4Block + std::string(204, '\0'))));   // exactly 232
    const std::string whole = v2(0x21, 0x11, kV4Block);
    EXPECT_FALSE(parse_v2(whole.substr(0, whole.size() - 1)));          // shorter than announced
    EXPECT_FALSE(parse_v2("PROXY TCP4 192.0.2.7 127.0.0.1 50000 2121\r\n"));
}

class SocketPair : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
    void TearDown() override {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    void send(const std::string& bytes) { ASSERT_EQ(::write(fds_[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
    std::string rest() {
        ::shutdown(fds_[1], SHUT_WR);
        std::string out;
        char c = 0;
        while (::read(fds_[0], &c, 1) == 1) {
            out.push_back(c);
        }
        return out;
    }
    int fds_[2] = {-1, -1};
};

TEST_F(SocketPair, ReaderLeavesTheFtpBytesInTheSocket) {
    send("PROXY TCP4 192.0.2.7 127.0.0.1 50000 2121\r\nUSER alice\r\n");
    auto h = read_header(fds_[0], Version::v1, std::chrono::milliseconds(1000));
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->source_address, "192.0.2.7");
    EXPECT_EQ(rest(), "USER alice\r\n");
}

TEST_F(SocketPair, V2ReaderLeavesTheFtpBytesInTheSocket) {
    send(v2(0x21, 0x11, kV4Block) + "USER bob\r\n");
    auto h = read_header(fds_[0], Version::v2, std::chrono::milliseconds(1000));
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->source_port, 50000);
    EXPECT_EQ(rest(), "USER bob\r\n");
}

TEST_F(SocketPair, ReaderTimesOutAndRefusesTheOtherVersion) {
    send("PROXY TCP4 192.0.2.7");
    auto h = read_header(fds_[0], Version::v1, std::chrono::milliseconds(100));
    ASSERT_FALSE(h);
    EXPECT_NE(h.error().message.find("ProxyProtocolTimeout"), std::string::npos);
    send(" 127.0.0.1 1 2\r\n");
    EXPECT_FALSE(read_header(fds_[0], Version::v2, std::chrono::milliseconds(100)));
}

TEST(ProxySettings, TrustedNetworks) {
    Settings s;
    s.trusted.push_back(Settings::Network{{127, 0, 0, 0}, false, 8});
    s.trusted.push_back(Settings::Network{{0x20, 0x01, 0x0d, 0xb8}, true, 32});
    s.trusted.push_back(Settings::Network{{10, 1, 2, 128}, false, 25});
    EXPECT_TRUE(s.trusts("127.0.0.42"));
    EXPECT_TRUE(s.trusts("2001:db8::1"));
    EXPECT_TRUE(s.trusts("10.1.2.200"));
    EXPECT_FALSE(s.trusts("10.1.2.127"));
    EXPECT_FALSE(s.trusts("128.0.0.1"));
    EXPECT_FALSE(s.trusts("2001:db9::1"));
    EXPECT_FALSE(s.trusts("::ffff:127.0.0.1"));  // the master names mapped clients as IPv4 already
    EXPECT_FALSE(s.trusts("not an address"));
    s.trust_all = true;
    EXPECT_TRUE(s.trusts("192.0.2.1"));
}

}  // namespace
}  // namespace ward::master::proxy

namespace ward::master::proxy {
namespace {

Result<Settings> settings_of(const std::string& text) {
    auto parsed = config::parse_proftpd_text(text, "t.conf", {});
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
    auto servers = config::ServerSet::build(std::make_shared<const config::Config>(std::move(*parsed)));
    EXPECT_TRUE(servers);
    return settings_for(servers->servers().front());
}

TEST(ProxySettings, EngineWithoutTrustedProxiesIsAnError) {
    const auto refused = settings_of("ServerName x\nProxyProtocolEngine on\n");
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("t.conf:2"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("ProxyProtocolEngine on needs ProxyProtocolTrustedProxies"),
              std::string::npos);
    const auto all = settings_of("ProxyProtocolEngine on\nProxyProtocolTrustedProxies all\n");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->trust_all);
    const auto listed = settings_of("ProxyProtocolEngine on\nProxyProtocolVersion haproxyV2\nProxyProtocolTimeout 7\n"
                                    "ProxyProtocolTrustedProxies 127.0.0.1 10.0.0.0/8\n");
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_EQ(listed->version, Version::v2);
    EXPECT_EQ(listed->timeout, std::chrono::seconds(7));
    EXPECT_TRUE(listed->trusts("10.9.9.9"));
    EXPECT_FALSE(listed->trusts("127.0.0.2"));
    const auto off = settings_of("ServerName x\n");
    ASSERT_TRUE(off);
    EXPECT_FALSE(off->engine);
}

}  // namespace
}  // namespace ward::master::proxy
