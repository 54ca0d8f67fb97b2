// tls::settings_for (daemon/tls/settings.*): mod_tls's directives read once into what the key process, a worker's
// TLS context and the session use. The registry refuses TLSEngine on until FTPS is wired, so the tests that need
// it set it in the parsed model, as the registry will let it through then.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/load.hpp"
#include "config/server.hpp"
#include "daemon/tls/settings.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward::tls {
namespace {

namespace tv = config::tls_values;

struct Built {
    config::ServerSet set;
    [[nodiscard]] const config::Server& main() const { return set.servers().at(0); }
};

// Parses `text`; with engine_on, the TLSEngine line it holds is turned on in the model.
Built build(const std::string& text, bool engine_on = false) {
    auto parsed = config::parse_proftpd_text(text, "t.conf", {});
    EXPECT_TRUE(parsed) << (parsed ? std::string() : parsed.error().message);
    config::Config model = parsed ? std::move(*parsed) : config::Config{};
    if (engine_on) {
        for (auto& d : model.root.directives) {
            if (d.name == "TLSEngine") {
                d.args = {"on"};
            }
        }
    }
    auto set = config::ServerSet::build(std::make_shared<const config::Config>(std::move(model)));
    EXPECT_TRUE(set) << (set ? std::string() : set.error().message);
    return Built{std::move(*set)};
}

TEST(TlsSettings, DefaultsAreProFtpdsWithoutAnyDirective) {
    const auto built = build("Port 2121\n");
    auto settings = settings_for(built.main());
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_FALSE(settings->engine);
    EXPECT_EQ(settings->server.min_version, TLS1_2_VERSION);
    EXPECT_EQ(settings->server.max_version, TLS1_3_VERSION);
    EXPECT_FALSE(settings->server.session_tickets);
    EXPECT_TRUE(settings->session_reuse_required);
    EXPECT_FALSE(settings->implicit);
    EXPECT_EQ(settings->required, tv::Required{});
    EXPECT_EQ(settings->handshake_timeout, std::chrono::seconds(300));
    EXPECT_EQ(settings->verify_depth, 9U);
}

TEST(TlsSettings, EveryValueIsReadOnce) {
    const auto built = build(
        "TLSEngine off\nTLSProtocol TLSv1.3\nTLSRSACertificateFile /etc/ssl/a.crt\nTLSRSACertificateKeyFile /etc/ssl/a.key\n"
        "TLSECCertificateFile /etc/ssl/ec.pem\nTLSCertificateChainFile /etc/ssl/chain.pem\n"
        "TLSCACertificateFile /etc/ssl/ca.pem\nTLSCipherSuite HIGH:!aNULL\nTLSCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384\n"
        "TLSServerCipherPreference on\nTLSECDHCurve X25519\nTLSSessionTickets on\nTLSRequired !data\n"
        "TLSOptions NoSessionReuseRequired\nTLSOptions UseImplicitSSL\nTLSVerifyClient optional\nTLSVerifyDepth 3\n"
        "TLSTimeoutHandshake 2m\nTLSLog /var/log/tls.log\nTLSMasqueradeAddress 192.0.2.1\n");
    auto settings = settings_for(built.main());
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->server.min_version, TLS1_3_VERSION);
    EXPECT_EQ(settings->server.max_version, TLS1_3_VERSION);
    ASSERT_TRUE(settings->rsa);
    EXPECT_EQ(settings->rsa->certificate, "/etc/ssl/a.crt");
    EXPECT_EQ(settings->rsa->key, "/etc/ssl/a.key");
    ASSERT_TRUE(settings->ec);
    EXPECT_EQ(settings->ec->key, "/etc/ssl/ec.pem");  // no key file: the certificate's file holds the key
    EXPECT_EQ(settings->chain_file, "/etc/ssl/chain.pem");
    EXPECT_EQ(settings->ca_file, "/etc/ssl/ca.pem");
    EXPECT_EQ(settings->server.cipher_list, "HIGH:!aNULL");
    EXPECT_EQ(settings->server.tls13_suites, "TLS_AES_256_GCM_SHA384");
    EXPECT_TRUE(settings->server.server_preference);
    EXPECT_EQ(settings->server.curves, "X25519");
    EXPECT_TRUE(settings->server.session_tickets);
    EXPECT_EQ(settings->required.data, tv::Need::refused);
    EXPECT_FALSE(settings->session_reuse_required);
    EXPECT_TRUE(settings->implicit);
    EXPECT_EQ(settings->verify_client, tv::VerifyClient::optional);
    EXPECT_EQ(settings->verify_depth, 3U);
    EXPECT_EQ(settings->handshake_timeout, std::chrono::seconds(120));
    EXPECT_EQ(settings->log, "/var/log/tls.log");
    EXPECT_EQ(settings->masquerade_address, "192.0.2.1");
}

TEST(TlsSettings, OldProtocolsAreWarningsNamingTheLine) {
    const auto built = build("Port 2121\nTLSProtocol TLSv1.1 TLSv1.2\n");
    auto settings = settings_for(built.main());
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_EQ(settings->server.min_version, TLS1_2_VERSION);
    EXPECT_EQ(settings->server.max_version, TLS1_2_VERSION);
    ASSERT_EQ(settings->warnings.size(), 1U);
    EXPECT_EQ(settings->warnings[0].substr(0, 23), "t.conf:2:1: TLSProtocol");
}

TEST(TlsSettings, InconsistentSettingsAreErrorsWithTheirLine) {
    const auto no_cert = build("Port 2121\nTLSEngine off\n", true);
    auto settings = settings_for(no_cert.main());
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().message,
              "t.conf:2:1: TLSEngine on needs a certificate (TLSRSACertificateFile or TLSECCertificateFile)");

    const auto key_only = build("TLSECCertificateKeyFile /etc/ssl/ec.key\n");
    settings = settings_for(key_only.main());
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().message, "t.conf:1:1: TLSECCertificateKeyFile without TLSECCertificateFile");

    const auto no_ca = build("TLSVerifyClient on\n");
    settings = settings_for(no_ca.main());
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.error().message,
              "t.conf:1:1: TLSVerifyClient on needs TLSCACertificateFile or TLSCACertificatePath to verify against");

    const auto with_cert = build("TLSEngine off\nTLSRSACertificateFile /etc/ssl/a.pem\n", true);
    settings = settings_for(with_cert.main());
    ASSERT_TRUE(settings) << settings.error().message;
    EXPECT_TRUE(settings->engine);
    EXPECT_EQ(settings->rsa->key, "/etc/ssl/a.pem");
}

// The TLS 1.3 suites reach the context, and a list OpenSSL does not know is an error naming it.
TEST(TlsSettings, TlsV13SuitesReachTheContext) {
    auto key = testing::make_key("EC");
    auto cert = testing::make_cert(key.get(), 0, 3600);
    ServerSettings server;
    server.tls13_suites = "TLS_CHACHA20_POLY1305_SHA256";
    auto ctx = make_server_context(cert.get(), key.get(), server);
    ASSERT_TRUE(ctx) << ctx.error().message;
    SSL* ssl = SSL_new(ctx->get());
    ASSERT_NE(ssl, nullptr);
    STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl);
    bool chacha = false;
    bool aes = false;
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
        const std::string name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i));
        chacha = chacha || name == "TLS_CHACHA20_POLY1305_SHA256";
        aes = aes || name == "TLS_AES_256_GCM_SHA384";
    }
    SSL_free(ssl);
    EXPECT_TRUE(chacha);
    EXPECT_FALSE(aes);
    server.tls13_suites = "TLS_NO_SUCH_SUITE";
    ctx = make_server_context(cert.get(), key.get(), server);
    ASSERT_FALSE(ctx);
    EXPECT_EQ(ctx.error().message, "TLSCipherSuite TLSv1.3 'TLS_NO_SUCH_SUITE' selects no TLS 1.3 cipher suite");
}

}  // namespace
}  // namespace ward::tls
