// -t's and start-up's check of mod_tls's files (daemon/master/tls_files.hpp): each broken certificate, key,
// chain or CA file fails with the directive's file:line and what to do, and a working set is listed.
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/model.hpp"
#include "config/server.hpp"
#include "daemon/master/tls_files.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::pair<std::string, std::string>>;  // directive name, its one argument

class TlsFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ward-tls-files-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        key_ = testing::make_key("RSA");
        cert_ = write_cert(testing::make_cert(key_.get(), -60, 3600).get(), "good.crt");
        key_file_ = write_key(key_.get(), "good.key", 0600);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write_cert(X509* cert, const std::string& name) { return testing::write_cert(cert, dir_ / name); }
    std::string write_key(EVP_PKEY* key, const std::string& name, mode_t mode) {
        auto path = testing::write_key(key, dir_ / name);
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        return path;
    }

    // A configuration "tls.conf" whose line N+1 is lines[N] ("TLSEngine on" first unless engine is false).
    Result<master::TlsFilesChecked> check(const Lines& lines, bool engine = true) {
        auto config = std::make_shared<config::Config>();
        config->source = "tls.conf";
        std::uint32_t line = 1;
        if (engine) {
            config->root.directives.push_back({"TLSEngine", {"on"}, {"tls.conf", line++, 0}});
        }
        for (const auto& [name, arg] : lines) {
            config->root.directives.push_back({name, {arg}, {"tls.conf", line++, 0}});
        }
        auto servers = config::ServerSet::build(config);
        EXPECT_TRUE(servers.has_value());
        master::TlsFilesChecked checked;
        if (auto ok = master::check_tls_files(*servers, checked); !ok) {
            return std::move(ok).error();
        }
        return checked;
    }

    fs::path dir_;
    tls::KeyPtr key_;
    std::string cert_;
    std::string key_file_;
};

TEST_F(TlsFilesTest, AWorkingPairIsListed) {
    auto checked = check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_}});
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    ASSERT_EQ(checked->certificates.size(), 1U);
    EXPECT_TRUE(checked->certificates[0].starts_with("TLSRSACertificateFile " + cert_ + " (CN = localhost, RSA 2048"))
        << checked->certificates[0];
    EXPECT_TRUE(checked->warnings.empty());
}

TEST_F(TlsFilesTest, NothingIsCheckedWithoutTlsEngine) {
    auto checked = check({{"TLSRSACertificateFile", (dir_ / "missing.crt").string()}}, false);
    ASSERT_TRUE(checked.has_value());
    EXPECT_TRUE(checked->certificates.empty());
}

TEST_F(TlsFilesTest, TlsEngineWithoutCertificateFails) {
    auto checked = check({});
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:1: TLSEngine: on, but the server has no certificate"))
        << checked.error().message;
}

TEST_F(TlsFilesTest, ExpiredAndFutureCertificatesFailAtTheCertificateLine) {
    const auto expired = write_cert(testing::make_cert(key_.get(), -7200, -3600).get(), "expired.crt");
    auto checked = check({{"TLSRSACertificateFile", expired}, {"TLSRSACertificateKeyFile", key_file_}});
    ASSERT_FALSE(checked.has_value());
    const auto& message = checked.error().message;
    EXPECT_TRUE(message.starts_with("tls.conf:2: TLSRSACertificateFile: certificate " + expired + " has expired"))
        << message;
    EXPECT_NE(message.find("; renew the certificate"), std::string::npos) << message;

    const auto future = write_cert(testing::make_cert(key_.get(), 3600, 7200).get(), "future.crt");
    checked = check({{"TLSRSACertificateFile", future}, {"TLSRSACertificateKeyFile", key_file_}});
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:2: TLSRSACertificateFile: certificate " + future +
                                                    " is not valid yet"))
        << checked.error().message;
}

TEST_F(TlsFilesTest, AForeignKeyFailsAtTheKeyLine) {
    auto other = testing::make_key("RSA");
    const auto other_file = write_key(other.get(), "other.key", 0600);
    auto checked = check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", other_file}});
    ASSERT_FALSE(checked.has_value());
    const auto& message = checked.error().message;
    EXPECT_TRUE(message.starts_with("tls.conf:3: TLSRSACertificateKeyFile: key " + other_file +
                                    " does not belong to certificate " + cert_ + "; name the key"))
        << message;
}

TEST_F(TlsFilesTest, AKeyOthersCanReadIsRefusedAndSslCertGroupModeIsNot) {
    ASSERT_EQ(::chmod(key_file_.c_str(), 0644), 0);
    auto checked = check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_}});
    ASSERT_FALSE(checked.has_value());
    EXPECT_EQ(checked.error().message,
              "tls.conf:3: TLSRSACertificateKeyFile: the private key " + key_file_ +
                  " is open to other users (mode 0644); chmod 600 " + key_file_ +
                  " (or 640 with group ssl-cert, as Debian's ssl-cert package does)");
    ASSERT_EQ(::chmod(key_file_.c_str(), 0660), 0);
    EXPECT_FALSE(check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_}}).has_value());
    ASSERT_EQ(::chmod(key_file_.c_str(), 0640), 0);
    EXPECT_TRUE(check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_}}).has_value());
}

TEST_F(TlsFilesTest, AMissingKeyAndAKeyWithoutCertificateFail) {
    const auto missing = (dir_ / "missing.key").string();
    auto checked = check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", missing}});
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:3: TLSRSACertificateKeyFile: " + missing +
                                                    ": No such file or directory"))
        << checked.error().message;
    checked = check({{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_},
                     {"TLSECCertificateKeyFile", key_file_}});
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:4: TLSECCertificateKeyFile: no TLSECCertificateFile"))
        << checked.error().message;
}

TEST_F(TlsFilesTest, TheKeyMayShareTheCertificatesFile) {
    const auto both = (dir_ / "both.pem").string();
    {
        std::FILE* f = std::fopen(both.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::FILE* c = std::fopen(cert_.c_str(), "r");
        std::FILE* k = std::fopen(key_file_.c_str(), "r");
        for (std::FILE* in : {c, k}) {
            for (int ch = std::fgetc(in); ch != EOF; ch = std::fgetc(in)) {
                (void)std::fputc(ch, f);
            }
            (void)std::fclose(in);
        }
        (void)std::fclose(f);
    }
    ASSERT_EQ(::chmod(both.c_str(), 0600), 0);
    auto checked = check({{"TLSRSACertificateFile", both}});
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    EXPECT_EQ(checked->certificates.size(), 1U);
}

TEST_F(TlsFilesTest, AnEcCertificateUnderTheRsaDirectiveFails) {
    auto ec = testing::write_cert_and_key(dir_, "EC", "ec");
    ASSERT_EQ(::chmod(ec.key.c_str(), 0600), 0);
    auto checked = check({{"TLSRSACertificateFile", ec.certificate}, {"TLSRSACertificateKeyFile", ec.key}});
    ASSERT_FALSE(checked.has_value());
    EXPECT_EQ(checked.error().message, "tls.conf:2: TLSRSACertificateFile: " + ec.certificate +
                                           " is not an RSA certificate; name it with TLSECCertificateFile instead");
    checked = check({{"TLSECCertificateFile", ec.certificate}, {"TLSECCertificateKeyFile", ec.key}});
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
}

TEST_F(TlsFilesTest, ChainAndCaFiles) {
    const Lines pair = {{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_}};
    const auto expired = write_cert(testing::make_cert(key_.get(), -7200, -3600).get(), "old-ca.crt");

    Lines lines = pair;
    lines.emplace_back("TLSCertificateChainFile", expired);
    auto checked = check(lines);
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:4: TLSCertificateChainFile: chain file " + expired +
                                                    " has expired"))
        << checked.error().message;

    lines = pair;
    lines.emplace_back("TLSCertificateChainFile", cert_);
    lines.emplace_back("TLSCACertificateFile", expired);  // expired CA: clients it issued fail closed, a warning
    checked = check(lines);
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    EXPECT_EQ(checked->certificates.size(), 3U);
    ASSERT_EQ(checked->warnings.size(), 1U);
    EXPECT_TRUE(checked->warnings[0].starts_with("tls.conf:5: TLSCACertificateFile: CA file " + expired +
                                                 " has expired"))
        << checked->warnings[0];

    const auto empty = (dir_ / "empty.pem").string();
    { std::ofstream created(empty); }
    lines = pair;
    lines.emplace_back("TLSCACertificateFile", empty);
    checked = check(lines);
    ASSERT_FALSE(checked.has_value());
    EXPECT_TRUE(checked.error().message.starts_with("tls.conf:4: TLSCACertificateFile: CA file " + empty +
                                                    " holds no PEM certificate; the file must be PEM"))
        << checked.error().message;
}

TEST_F(TlsFilesTest, CaPathNeedsHashedCertificates) {
    const auto ca_dir = dir_ / "ca";
    fs::create_directories(ca_dir);
    Lines lines = {{"TLSRSACertificateFile", cert_}, {"TLSRSACertificateKeyFile", key_file_},
                   {"TLSCACertificatePath", ca_dir.string()}};
    auto checked = check(lines);
    ASSERT_FALSE(checked.has_value());
    EXPECT_EQ(checked.error().message, "tls.conf:4: TLSCACertificatePath: " + ca_dir.string() +
                                           " holds no hashed CA certificate (HASH.0); run openssl rehash " +
                                           ca_dir.string());

    auto cert = testing::make_cert(key_.get(), -60, 3600);
    std::array<char, 16> hashed{};
    (void)std::snprintf(hashed.data(), hashed.size(), "%08lx.0", X509_subject_name_hash(cert.get()));
    (void)testing::write_cert(cert.get(), ca_dir / hashed.data());
    checked = check(lines);
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    EXPECT_EQ(checked->certificates.back(), "TLSCACertificatePath " + ca_dir.string() + " (1 CA certificate(s))");
}

}  // namespace
}  // namespace ward
