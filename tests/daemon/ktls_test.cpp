// Kernel TLS detection (daemon/tls/ktls.hpp): the ULP list is read, a listed tls is confirmed on a real
// loopback socket, and the report names the RETR path that follows from both halves.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "daemon/tls/ktls.hpp"

namespace ward {
namespace {

namespace fs = std::filesystem;

class KtlsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ward-ktls-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string list_file(const std::string& text) {
        auto path = (dir_ / "tcp_available_ulp").string();
        std::ofstream(path) << text;
        return path;
    }

    fs::path dir_;
};

TEST_F(KtlsTest, UlpListIsSpaceSeparatedWords) {
    EXPECT_TRUE(tls::ulp_listed("mptcp tls", "tls"));
    EXPECT_TRUE(tls::ulp_listed("tls\n", "tls"));
    EXPECT_FALSE(tls::ulp_listed("mptcp", "tls"));
    EXPECT_FALSE(tls::ulp_listed("tlsx espintcp", "tls"));
    EXPECT_FALSE(tls::ulp_listed("", "tls"));
}

TEST_F(KtlsTest, WithoutTheUlpRetrUsesUserspaceTls) {
    const auto support = tls::detect_ktls(list_file("mptcp\n"));
    EXPECT_FALSE(support.kernel);
    EXPECT_FALSE(tls::retr_uses_ktls(support));
    EXPECT_EQ(support.kernel_detail, "tls is not in tcp_available_ulp (mptcp); modprobe tls where the kernel has the module");
    EXPECT_EQ(tls::ktls_report(support),
              "kernel TLS: kernel tls ULP not available (tls is not in tcp_available_ulp (mptcp); modprobe tls where "
              "the kernel has the module); OpenSSL with kTLS; RETR under PROT P uses userspace TLS (read + "
              "SSL_write)");
    EXPECT_FALSE(tls::detect_ktls((dir_ / "missing").string()).kernel);
}

TEST_F(KtlsTest, BothHalvesMeanKtlsAndSendfile) {
    tls::KtlsSupport support{true, true, ""};
    EXPECT_TRUE(tls::retr_uses_ktls(support));
    EXPECT_EQ(tls::ktls_report(support), "kernel TLS: kernel tls ULP available; OpenSSL with kTLS; RETR under PROT P "
                                         "uses kTLS + sendfile");
    support.openssl = false;
    EXPECT_FALSE(tls::retr_uses_ktls(support));
}

TEST_F(KtlsTest, DebiansOpensslHasKtls) {
    EXPECT_TRUE(tls::detect_ktls().openssl);  // libssl-dev 3.0 is built with enable-ktls
}

// A list naming tls is confirmed on a loopback socket: the answer is the kernel's, whatever the list says.
TEST_F(KtlsTest, AListedUlpIsConfirmedOnALoopbackSocket) {
    std::ifstream in("/proc/sys/net/ipv4/tcp_available_ulp");
    std::stringstream real;
    real << in.rdbuf();
    const auto support = tls::detect_ktls(list_file("mptcp tls\n"));
    if (tls::ulp_listed(real.str(), "tls")) {
        EXPECT_TRUE(support.kernel) << support.kernel_detail;
    } else {
        // The kernel has no tls ULP (this one): attaching it fails, and the detail says so.
        EXPECT_FALSE(support.kernel);
        EXPECT_TRUE(support.kernel_detail.starts_with("the kernel refused TCP_ULP tls on a loopback socket: "))
            << support.kernel_detail;
    }
}

}  // namespace
}  // namespace ward
