// mod_tls's directives in the registry (config/directives_tls.cpp): FTPS on the control connection is served,
// TLS on data connections is not yet, so every TLSRequired form that asks for it is refused with file:line in
// both front ends (data meant to be encrypted must not go in clear text); the applied settings are accepted
// silently and the others are checked with ProFTPD's grammar and accepted with a warning naming their line.
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

constexpr std::string_view kNoDataTls = "TLS on data connections (PROT P) is not served by this build yet";

TEST(TlsDirectives, AllFortyThreeAreRegisteredUnderModTls) {
    const auto& specs = builtin_directives();
    const auto count = std::count_if(specs.begin(), specs.end(), [](const DirectiveSpec& s) { return s.module == "mod_tls.c"; });
    EXPECT_EQ(count, 43);
    EXPECT_TRUE(is_builtin_module("mod_tls.c"));
}

TEST(TlsDirectives, WhatAsksForDataTlsIsRefusedWithItsLine) {
    for (const char* form : {"on", "data", "auth+data", "ctrl+data", "!ctrl+data"}) {
        const std::string error = parse_error(std::string("TLSRequired ") + form + "\n");
        EXPECT_NE(error.find("t.conf:1:"), std::string::npos) << form << ": " << error;
        EXPECT_NE(error.find(std::string("TLSRequired ") + form + " is refused"), std::string::npos) << error;
        EXPECT_NE(error.find(kNoDataTls), std::string::npos) << error;
    }
    EXPECT_NE(parse_error("TLSRequired yes\n").find("t.conf:1:"), std::string::npos);
    EXPECT_NE(toml_error("TLSRequired = \"auth+data\"\n").find(kNoDataTls), std::string::npos);
}

TEST(TlsDirectives, EngineOnAndControlFormsAreAcceptedWithoutAWarning) {
    const Config c = parse_ok("<IfModule mod_tls.c>\n  TLSEngine on\n  TLSRequired ctrl\n"
                              "  TLSRSACertificateFile /etc/ssl/certs/proftpd.crt\n"
                              "  TLSRSACertificateKeyFile /etc/ssl/private/proftpd.key\n"
                              "  TLSProtocol TLSv1.2 TLSv1.3\n  TLSServerCipherPreference on\n</IfModule>\n");
    EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
    for (const char* form : {"ctrl", "auth", "auth+!data", "ctrl+!data"}) {
        EXPECT_TRUE(parse_ok(std::string("TLSRequired ") + form + "\n").warnings.empty()) << form;
    }
    EXPECT_TRUE(toml_ok("[IfModule.\"mod_tls.c\"]\nTLSEngine = true\n").warnings.empty());
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
    ASSERT_EQ(c.warnings.size(), 3U);  // TLSOptions, TLSTimeoutHandshake, TLSLog (TLSVerifyClient off holds)
    EXPECT_EQ(c.warnings[0].substr(0, 12), "t.conf:4:1: ");
    EXPECT_NE(c.warnings[0].find("NoSessionReuseRequired concerns PROT P"), std::string::npos) << c.warnings[0];
    EXPECT_NE(c.warnings[2].find("t.conf:7:1: "), std::string::npos);
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
