// Key isolation, in one process: a TLS server whose key object holds only the public half completes real
// handshakes (TLS 1.2 and 1.3, RSA-PSS, RSA PKCS#1 and ECDSA) by asking a KeySigner, and the KeySigner
// refuses inputs that are not handshake signatures.
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "daemon/monitor/key_signer.hpp"
#include "daemon/tls/remote_key.hpp"
#include "daemon/tls/server_context.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward {
namespace {

namespace fs = std::filesystem;

class TlsKeyTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ward-tls-key-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    monitor::KeySigner signer_for(const char* type) {
        const auto files = testing::write_cert_and_key(dir_, type, "server");
        auto signer = monitor::KeySigner::load(files.certificate, files.key);
        EXPECT_TRUE(signer.has_value()) << (signer ? "" : signer.error().message);
        return std::move(*signer);
    }

    fs::path dir_;
};

struct Handshake {
    std::string version;  // "" when it failed
    std::string error;
    bool resumed = false;
    std::string server_session;  // export_session() of the server's side
    SSL_SESSION* client_session = nullptr;  // owned by the caller (SSL_SESSION_free)
};

// One handshake between a client of client_ctx (offering `offer` when given) and a server of server_ctx, over
// a BIO pair; then the client reads what the server sent after the handshake (TLS 1.3 tickets).
Handshake run_handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, SSL_SESSION* offer) {
    SSL* server = SSL_new(server_ctx);
    SSL* client = SSL_new(client_ctx);
    BIO* server_bio = nullptr;
    BIO* client_bio = nullptr;
    BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_bio(client, client_bio, client_bio);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    if (offer != nullptr) {
        SSL_set_session(client, offer);
    }
    Handshake result;
    for (int round = 0; round < 20; ++round) {
        const int c = SSL_do_handshake(client);
        const int s = SSL_do_handshake(server);
        if (c == 1 && s == 1) {
            char byte = 0;
            (void)SSL_read(client, &byte, 1);  // takes in the session tickets, then wants more
            result.version = SSL_get_version(server);
            result.resumed = tls::resumed(server);
            result.server_session = tls::export_session(server);
            result.client_session = SSL_get1_session(client);
            // A connection freed without a close_notify marks its session as not resumable; these ended well.
            SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
            SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
            break;
        }
        if (s <= 0 && SSL_get_error(server, s) != SSL_ERROR_WANT_READ) {
            result.error = "server failed: " + tls::openssl_error();
            break;
        }
    }
    SSL_free(server);
    SSL_free(client);
    return result;
}

// The negotiated version, or the server's error.
std::string handshake(X509* cert, EVP_PKEY* key, int version, const char* client_sigalgs) {
    tls::ServerSettings settings;
    settings.min_version = version;
    settings.max_version = version;
    auto server_ctx = tls::make_server_context(cert, key, settings);
    if (!server_ctx) {
        return server_ctx.error().message;
    }
    tls::SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    if (client_sigalgs != nullptr) {
        SSL_CTX_set1_sigalgs_list(client_ctx.get(), client_sigalgs);
    }
    auto result = run_handshake(server_ctx->get(), client_ctx.get(), nullptr);
    SSL_SESSION_free(result.client_session);
    return result.version.empty() ? result.error : result.version;
}

struct Case {
    const char* name;
    const char* key_type;
    int version;
    const char* client_sigalgs;
    const char* expected;
};

TEST_F(TlsKeyTest, HandshakesSignThroughTheKeyHolderOnly) {
    const std::array<Case, 5> cases = {{
        {"RSA-PSS 1.3", "RSA", TLS1_3_VERSION, nullptr, "TLSv1.3"},
        {"RSA-PSS 1.2", "RSA", TLS1_2_VERSION, nullptr, "TLSv1.2"},
        {"RSA PKCS1 1.2", "RSA", TLS1_2_VERSION, "RSA+SHA256", "TLSv1.2"},
        {"ECDSA 1.3", "EC", TLS1_3_VERSION, nullptr, "TLSv1.3"},
        {"ECDSA 1.2", "EC", TLS1_2_VERSION, nullptr, "TLSv1.2"},
    }};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto signer = signer_for(c.key_type);
        int calls = 0;
        const tls::Signer counting = [&](const tls::SignRequest& request) {
            ++calls;
            return signer.sign(request);
        };
        auto remote = tls::remote_key(signer.certificate(), counting);
        ASSERT_TRUE(remote.has_value()) << remote.error().message;
        EXPECT_FALSE(tls::has_private_components(remote->get()));
        EXPECT_TRUE(tls::has_private_components(signer.key()));
        EXPECT_EQ(handshake(signer.certificate(), remote->get(), c.version, c.client_sigalgs), c.expected);
        EXPECT_EQ(calls, 1);
    }
}

TEST_F(TlsKeyTest, AHandshakeFailsWhenTheKeyHolderRefuses) {
    const auto signer = signer_for("RSA");
    const tls::Signer refusing = [](const tls::SignRequest&) -> Result<std::string> { return Error{"no"}; };
    auto remote = tls::remote_key(signer.certificate(), refusing);
    ASSERT_TRUE(remote.has_value());
    EXPECT_NE(handshake(signer.certificate(), remote->get(), TLS1_3_VERSION, nullptr), "TLSv1.3");
}

TEST_F(TlsKeyTest, TheKeyHolderSignsOnlyHandshakeShapedInputs) {
    const auto rsa = signer_for("RSA");
    std::string random(256, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(random.data()), static_cast<int>(random.size()));
    random[0] = '\0';
    random.back() = '\xbc';
    // A raw RSA private operation on chosen bytes (what decrypting a recorded key exchange needs): refused.
    auto raw = rsa.sign({tls::SignScheme::rsa_pss_block, random});
    ASSERT_FALSE(raw.has_value());
    EXPECT_NE(raw.error().message.find("not an EMSA-PSS encoding"), std::string::npos) << raw.error().message;
    EXPECT_FALSE(rsa.sign({tls::SignScheme::rsa_pss_block, random.substr(1)}).has_value());
    EXPECT_FALSE(rsa.sign({tls::SignScheme::rsa_pkcs1_digest, std::string(51, 'x')}).has_value());
    EXPECT_FALSE(rsa.sign({tls::SignScheme::ecdsa_digest, std::string(32, 'x')}).has_value());

    const auto ec = signer_for("EC");
    EXPECT_TRUE(ec.sign({tls::SignScheme::ecdsa_digest, std::string(32, 'x')}).has_value());
    EXPECT_FALSE(ec.sign({tls::SignScheme::ecdsa_digest, std::string(20, 'x')}).has_value());
    EXPECT_FALSE(ec.sign({tls::SignScheme::rsa_pss_block, random}).has_value());
}

// The control connection's session, carried to a fresh context (the post-auth worker's), is resumed there by
// the client's data connection without a signature; a client that does not offer it gets a full handshake,
// which is what the session reuse requirement refuses.
TEST_F(TlsKeyTest, TheControlSessionResumesInAnotherContextWithoutASignature) {
    for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        SCOPED_TRACE(version == TLS1_2_VERSION ? "TLSv1.2" : "TLSv1.3");
        const auto signer = signer_for("RSA");
        int calls = 0;
        const tls::Signer counting = [&](const tls::SignRequest& request) {
            ++calls;
            return signer.sign(request);
        };
        auto key = tls::remote_key(signer.certificate(), counting);
        ASSERT_TRUE(key.has_value());
        tls::ServerSettings settings;
        settings.max_version = version;
        auto control_ctx = tls::make_server_context(signer.certificate(), key->get(), settings);
        auto data_ctx = tls::make_server_context(signer.certificate(), key->get(), settings);
        ASSERT_TRUE(control_ctx.has_value() && data_ctx.has_value());
        tls::SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
        SSL_CTX_set_session_cache_mode(client_ctx.get(), SSL_SESS_CACHE_CLIENT);

        auto control = run_handshake(control_ctx->get(), client_ctx.get(), nullptr);
        ASSERT_FALSE(control.version.empty()) << control.error;
        EXPECT_FALSE(control.resumed);
        EXPECT_EQ(calls, 1);
        ASSERT_FALSE(control.server_session.empty());
        ASSERT_TRUE(tls::import_session(data_ctx->get(), control.server_session).has_value());

        auto data = run_handshake(data_ctx->get(), client_ctx.get(), control.client_session);
        EXPECT_EQ(data.version, control.version) << data.error;
        EXPECT_TRUE(data.resumed);
        EXPECT_EQ(calls, 1);  // resumption signs nothing

        auto fresh = run_handshake(data_ctx->get(), client_ctx.get(), nullptr);
        EXPECT_EQ(fresh.version, control.version) << fresh.error;
        EXPECT_FALSE(fresh.resumed);
        EXPECT_EQ(calls, 2);
        for (auto* session : {control.client_session, data.client_session, fresh.client_session}) {
            SSL_SESSION_free(session);
        }
    }
    const tls::SslCtxPtr other(SSL_CTX_new(TLS_server_method()));
    EXPECT_FALSE(tls::import_session(other.get(), "not a session").has_value());
}

TEST_F(TlsKeyTest, LoadRefusesExpiredCertificatesAndForeignKeys) {
    using namespace ward::testing;  // NOLINT(google-build-using-namespace)
    auto key = make_key("RSA");
    auto other = make_key("RSA");
    const auto expired = write_cert(make_cert(key.get(), -7200, -3600).get(), dir_ / "expired.pem");
    const auto future = write_cert(make_cert(key.get(), 3600, 7200).get(), dir_ / "future.pem");
    const auto good = write_cert(make_cert(key.get(), -60, 3600).get(), dir_ / "good.pem");
    const auto key_file = write_key(key.get(), dir_ / "key.pem");
    const auto other_file = write_key(other.get(), dir_ / "other.pem");

    auto result = monitor::KeySigner::load(expired, key_file);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().message.starts_with("certificate " + expired + " has expired ("));
    result = monitor::KeySigner::load(future, key_file);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().message.starts_with("certificate " + future + " is not valid yet ("));
    result = monitor::KeySigner::load(good, other_file);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().message.starts_with("key " + other_file + " does not belong to certificate " + good +
                                                   "; name the key the certificate was made for"))
        << result.error().message;
    result = monitor::KeySigner::load(good, (dir_ / "missing.pem").string());
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().message.starts_with("key " + (dir_ / "missing.pem").string() + " cannot be read"));
    EXPECT_TRUE(monitor::KeySigner::load(good, key_file).has_value());
}

}  // namespace
}  // namespace ward
