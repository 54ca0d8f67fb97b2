// The running daemon's TLS preparation (daemon::prepare_context): with TLSEngine on, a server's key process is
// started before any listener accepts and signs over a session's channel; without it there is none; a server
// naming two certificates, or a key that is not the certificate's, is refused. The registry still refuses
// TLSEngine on (FTPS is not wired into the session yet), so the test turns it on in the parsed model, as
// tls_settings_test does.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>

#include "base/sys.hpp"
#include "config/load.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/tls/certificate_file.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward::daemon {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ward-tls-runtime-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

Result<std::shared_ptr<DaemonContext>> prepare(const std::string& text, bool engine_on) {
    auto parsed = config::parse_proftpd_text(text, "t.conf", {});
    if (!parsed) {
        return std::move(parsed).error();
    }
    if (engine_on) {
        for (auto& d : parsed->root.directives) {
            if (d.name == "TLSEngine") {
                d.args = {"on"};
            }
        }
    }
    return prepare_context(std::make_shared<const config::Config>(std::move(*parsed)));
}

testing::CertFiles private_files(const fs::path& dir, const std::string& type, const std::string& name) {
    auto files = testing::write_cert_and_key(dir, type, name);
    fs::permissions(files.key, fs::perms::owner_read | fs::perms::owner_write);
    return files;
}

std::string rsa_conf(const testing::CertFiles& files) {
    return "Port 0\nTLSEngine off\nTLSRSACertificateFile " + files.certificate + "\nTLSRSACertificateKeyFile " +
           files.key + "\n";
}

// A PKCS#1 v1.5 DigestInfo of SHA-256(message): what a TLS 1.2 handshake asks an RSA key to sign.
std::string digest_info(const std::string& message) {
    static constexpr unsigned char kPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
    std::string info(reinterpret_cast<const char*>(kPrefix), sizeof kPrefix);
    info.append(reinterpret_cast<const char*>(digest), sizeof digest);
    return info;
}

std::string read_status(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool verifies(X509* certificate, const std::string& message, const std::string& signature) {
    EVP_PKEY* key = X509_get0_pubkey(certificate);
    tls::KeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
    return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
           EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                           digest, sizeof digest) == 1;
}

TEST(TlsRuntime, EngineOnStartsTheKeyProcessWhichSignsForASession) {
    const TempDir dir;
    const auto files = private_files(dir.path, "RSA", "server");
    auto context = prepare(rsa_conf(files), true);
    ASSERT_TRUE(context) << context.error().message;
    const ServerRuntime& runtime = (*context)->runtime.front();
    ASSERT_TRUE(runtime.tls.engine);
    ASSERT_TRUE(runtime.key_process);
    const pid_t pid = runtime.key_process->pid();
    ASSERT_GT(pid, 0);
    EXPECT_EQ(::kill(pid, 0), 0) << "the key process is running";
    // Once the files are read it holds no capability and can gain none.
    const std::string status = read_status(pid);
    EXPECT_NE(status.find("\nCapEff:\t0000000000000000\n"), std::string::npos) << status;
    EXPECT_NE(status.find("\nCapPrm:\t0000000000000000\n"), std::string::npos) << status;
    EXPECT_NE(status.find("\nNoNewPrivs:\t1\n"), std::string::npos) << status;
    if (::geteuid() == 0) {
        EXPECT_NE(status.find("\nCapBnd:\t0000000000000000\n"), std::string::npos) << status;
    }

    auto channel = runtime.key_process->connect();  // what the master does for each accepted session
    ASSERT_TRUE(channel) << channel.error().message;
    const std::string message = "a handshake transcript";
    auto signature = master::KeyProcess::sign(*channel, {tls::SignScheme::rsa_pkcs1_digest, digest_info(message)});
    ASSERT_TRUE(signature) << signature.error().message;
    auto certificates = tls::read_certificates(files.certificate, "certificate");
    ASSERT_TRUE(certificates) << certificates.error().message;
    EXPECT_TRUE(verifies(certificates->front().get(), message, *signature));

    // A raw block that is no handshake signature: the key process refuses it.
    EXPECT_FALSE(master::KeyProcess::sign(*channel, {tls::SignScheme::rsa_pkcs1_digest, std::string(256, 'x')}));

    context->reset();  // the last context naming it ends the key process
    EXPECT_NE(::kill(pid, 0), 0);
}

// -X: the master becomes the session process itself and closes every descriptor but the session's, the key
// process's link to the master included. The session's channel still signs, and the key process ends (status
// 0) once that channel closes.
TEST(TlsRuntime, TheKeyProcessServesItsSessionsAfterTheMastersLinkCloses) {
    const TempDir dir;
    const auto files = private_files(dir.path, "RSA", "server");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto started = master::KeyProcess::start(files.certificate, files.key);
        if (!started) {
            ::_exit(10);
        }
        auto channel = started->connect();
        if (!channel || !sys::close_all_except({0, 1, 2, channel->fd()})) {
            ::_exit(11);
        }
        // Give the key process time to see its link close before the session asks (else the request could
        // be answered in the same wake-up that sees the close).
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        auto signature = master::KeyProcess::sign(*channel, {tls::SignScheme::rsa_pkcs1_digest, digest_info("x")});
        if (!signature) {
            ::_exit(12);
        }
        channel->close();
        int status = -1;
        while (::waitpid(started->pid(), &status, 0) < 0 && errno == EINTR) {
        }
        ::_exit(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 13);
    }
    int status = -1;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: not started, 11: no channel, 12: no signature, 13: key process not "
                                         "ended cleanly";
}

TEST(TlsRuntime, EngineOffStartsNoKeyProcess) {
    const TempDir dir;
    const auto files = private_files(dir.path, "RSA", "server");
    auto context = prepare(rsa_conf(files), false);
    ASSERT_TRUE(context) << context.error().message;
    EXPECT_FALSE((*context)->runtime.front().tls.engine);
    EXPECT_FALSE((*context)->runtime.front().key_process);
}

TEST(TlsRuntime, AKeyThatIsNotTheCertificatesIsRefused) {
    const TempDir dir;
    const auto files = private_files(dir.path, "RSA", "server");
    const auto other = private_files(dir.path, "RSA", "other");
    auto context = prepare(rsa_conf({files.certificate, other.key}), true);
    ASSERT_FALSE(context);
    EXPECT_NE(context.error().message.find("t.conf:4"), std::string::npos) << context.error().message;
}

TEST(TlsRuntime, TwoCertificatesForOneServerAreRefusedWithFileAndLine) {
    const TempDir dir;
    const auto rsa = private_files(dir.path, "RSA", "rsa");
    const auto ec = private_files(dir.path, "EC", "ec");
    auto context = prepare(rsa_conf(rsa) + "TLSECCertificateFile " + ec.certificate + "\nTLSECCertificateKeyFile " +
                               ec.key + "\n",
                           true);
    ASSERT_FALSE(context);
    EXPECT_NE(context.error().message.find("t.conf:5"), std::string::npos) << context.error().message;
    EXPECT_NE(context.error().message.find("one certificate per server"), std::string::npos)
        << context.error().message;
}

}  // namespace
}  // namespace ward::daemon
