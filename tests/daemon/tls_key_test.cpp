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

// Runs one handshake between a client and a server whose key is `key`; the negotiated version or "" and
// the server's error.
std::string handshake(X509* cert, EVP_PKEY* key, int version, const char* client_sigalgs) {
    tls::SslCtxPtr server_ctx(SSL_CTX_new(TLS_server_method()));
    tls::SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(server_ctx.get(), version);
    SSL_CTX_set_max_proto_version(server_ctx.get(), version);
    if (SSL_CTX_use_certificate(server_ctx.get(), cert) != 1 || SSL_CTX_use_PrivateKey(server_ctx.get(), key) != 1 ||
        SSL_CTX_check_private_key(server_ctx.get()) != 1) {
        return "server context: " + tls::openssl_error();
    }
    if (client_sigalgs != nullptr) {
        SSL_CTX_set1_sigalgs_list(client_ctx.get(), client_sigalgs);
    }
    SSL* server = SSL_new(server_ctx.get());
    SSL* client = SSL_new(client_ctx.get());
    BIO* server_bio = nullptr;
    BIO* client_bio = nullptr;
    BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_bio(client, client_bio, client_bio);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    std::string result;
    for (int round = 0; round < 20; ++round) {
        const int c = SSL_do_handshake(client);
        const int s = SSL_do_handshake(server);
        if (c == 1 && s == 1) {
            result = SSL_get_version(server);
            break;
        }
        if (s <= 0 && SSL_get_error(server, s) != SSL_ERROR_WANT_READ) {
            result = "server failed: " + tls::openssl_error();
            break;
        }
    }
    SSL_free(server);
    SSL_free(client);
    return result;
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
    EXPECT_EQ(result.error().message, "certificate " + expired + " has expired");
    result = monitor::KeySigner::load(future, key_file);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().message, "certificate " + future + " is not valid yet");
    result = monitor::KeySigner::load(good, other_file);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().message, "key " + other_file + " does not belong to certificate " + good);
    result = monitor::KeySigner::load(good, (dir_ / "missing.pem").string());
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().message.starts_with("key " + (dir_ / "missing.pem").string() + " cannot be read"));
    EXPECT_TRUE(monitor::KeySigner::load(good, key_file).has_value());
}

}  // namespace
}  // namespace ward
