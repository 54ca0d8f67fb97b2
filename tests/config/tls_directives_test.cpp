// mod_tls's directives in the registry (config/directives_tls.cpp): FTPS is not served yet, so every setting
// that asks for TLS is refused with file:line in both front ends (a configuration that asks for encrypted logins
// must not run in clear text), the forms that forbid TLS hold, and the other settings are checked with ProFTPD's
// grammar and accepted with a warning naming their line.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/registry.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;
using testing::parse_ok;
using testing::toml_error;
using testing::toml_ok;

constexpr std::string_view kNotServed = "FTPS is not served by this build yet";

TEST(TlsDirectives, AllFortyThreeAreRegisteredUnderModTls) {
    const auto& specs = builtin_directives();
    const auto count = std::count_if(specs.begin(), specs.end(), [](const DirectiveSpec& s) { return s.module == "mod_tls.c"; });
    EXPECT_EQ(count, 43);
    EXPECT_TRUE(is_builtin_module("mod_tls.c"));
}

TEST(TlsDirectives, WhatAsksForTlsIsRefusedWithItsLine) {
    EXPECT_EQ(parse_error("Port 21\n<IfModule mod_tls.c>\n  TLSEngine on\n</IfModule>\n"),
              "t.conf:3:13: TLSEngine: TLSEngine on is refused: FTPS is not served by this build yet; accepting it "
              "would let logins and data that are meant to be encrypted go in clear text");
    for (const char* form : {"on", "ctrl", "data", "auth", "auth+data", "ctrl+!data", "!ctrl+data", "yes"}) {
        const std::string error = parse_error(std::string("TLSRequired ") + form + "\n");
        EXPECT_NE(error.find("t.conf:1:"), std::string::npos) << form << ": " << error;
        EXPECT_NE(error.find(std::string("TLSRequired ") + form + " is refused"), std::string::npos) << error;
    }
    EXPECT_NE(toml_error("[IfModule.\"mod_tls.c\"]\nTLSEngine = true\n").find("t.toml:2:"), std::string::npos);
    EXPECT_NE(toml_error("TLSRequired = \"auth\"\n").find(kNotServed), std::string::npos);
}

TEST(TlsDirectives, FormsThatForbidTlsAndTlsOffHoldWithoutAWarning) {
    const Config c = parse_ok("<IfModule mod_tls.c>\n  TLSEngine off\n  TLSRequired off\n</IfModule>\n"
                              "<Directory /srv>\n  TLSRequired !data\n</Directory>\n<VirtualHost 127.0.0.2>\n  TLSRequired !ctrl\n"
                              "</VirtualHost>\n");
    EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
    EXPECT_NE(c.root.find("TLSEngine"), nullptr);
    const Config t = toml_ok("TLSEngine = false\n");
    EXPECT_TRUE(t.warnings.empty());
}

TEST(TlsDirectives, OtherSettingsAreCheckedAndWarnedAbout) {
    const Config c = parse_ok(
        "TLSProtocol TLSv1.2 TLSv1.3\nTLSRSACertificateFile /etc/ssl/certs/proftpd.crt\n"
        "TLSRSACertificateKeyFile /etc/ssl/private/proftpd.key\nTLSOptions NoSessionReuseRequired UseImplicitSSL\n"
        "TLSVerifyClient off\nTLSTimeoutHandshake 30\nTLSLog /var/log/proftpd/tls.log\n");
    ASSERT_EQ(c.warnings.size(), 7U);
    EXPECT_EQ(c.warnings[0].substr(0, 12), "t.conf:1:1: ");
    EXPECT_NE(c.warnings[0].find(kNotServed), std::string::npos) << c.warnings[0];
    EXPECT_NE(c.warnings[6].find("t.conf:7:1: "), std::string::npos);
}

TEST(TlsDirectives, BadValuesAreErrorsWithTheirLine) {
    EXPECT_NE(parse_error("ServerName x\nTLSProtocol TLSv1.4\n").find("t.conf:2:"), std::string::npos);
    EXPECT_NE(parse_error("TLSProtocol TLSv1 TLSv1.1\n").find("TLSv1.2 or TLSv1.3 is needed"), std::string::npos);
    EXPECT_NE(parse_error("TLSRequired sometimes\n").find("is not a TLSRequired value"), std::string::npos);
    EXPECT_NE(parse_error("TLSOptions NoSessionReuseRequired Bogus\n").find("unknown TLSOptions option 'Bogus'"),
              std::string::npos);
    EXPECT_NE(parse_error("TLSOptions CommonNameRequired\n").find("CommonNameRequired is refused"), std::string::npos);
    EXPECT_NE(parse_error("TLSVerifyClient maybe\n").find("not a TLSVerifyClient value"), std::string::npos);
    EXPECT_NE(parse_error("TLSRSACertificateFile cert.pem\n").find("t.conf:1:"), std::string::npos);
    EXPECT_NE(parse_error("TLSTimeoutHandshake soon\n").find("t.conf:1:"), std::string::npos);
}

}  // namespace
}  // namespace ward::config
