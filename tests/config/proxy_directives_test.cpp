// mod_proxy_protocol's directives in the registry (config/directives_proxy.cpp): what parses and what is
// refused with file:line.
#include <gtest/gtest.h>

#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;
using testing::parse_ok;

TEST(ProxyProtocol, DirectivesParse) {
    const Config config = parse_ok(
        "ProxyProtocolEngine on\nProxyProtocolVersion haproxyV2\nProxyProtocolTimeout 5\n"
        "ProxyProtocolTrustedProxies 127.0.0.1,10.0.0.0/8 2001:db8::/32\n"
        "<VirtualHost 127.0.0.2>\n  ProxyProtocolEngine off\n</VirtualHost>\n");
    EXPECT_NE(config.root.find("ProxyProtocolTrustedProxies"), nullptr);
}

TEST(ProxyProtocol, BadValuesAreRefusedWithTheirLine) {
    EXPECT_NE(parse_error("ServerName x\nProxyProtocolVersion haproxyV3\n").find("t.conf:2"), std::string::npos);
    EXPECT_NE(parse_error("ProxyProtocolTimeout 0\n").find("t.conf:1"), std::string::npos);
    EXPECT_NE(parse_error("ProxyProtocolTrustedProxies proxy.example.com\n").find("not resolved"), std::string::npos);
    EXPECT_NE(parse_error("ProxyProtocolTrustedProxies 10.0.0.0/33\n").find("prefix length"), std::string::npos);
    EXPECT_NE(parse_error("ProxyProtocolTrustedProxies all 10.0.0.1\n").find("stands alone"), std::string::npos);
    EXPECT_NE(parse_error("ProxyProtocolOptions UseProxiedServerAddress\n").find("before the PROXY header is read"),
              std::string::npos);
}

}  // namespace
}  // namespace ward::config
