// FTPS on the control connection of a real Session over loopback: a blocking OpenSSL client in a thread,
// the server's handshake signing through the key holder (the worker's context holds the public half only).
// AUTH TLS/PBSZ/PROT/CCC replies, FEAT lines, TLSRequired's 550 and clear text injected after AUTH.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/ftp/loopback.hpp"

#include "daemon/ftp/session.hpp"
#include "daemon/monitor/key_signer.hpp"
#include "daemon/tls/remote_key.hpp"
#include "daemon/tls/server_context.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward {
namespace {

namespace fs = std::filesystem;

using testing::connect_loopback;

class DenyingHost final : public ftp::SessionHost {
public:
    ftp::LoginResult authenticate(std::string_view user, std::string_view) override {
        users.emplace_back(user);
        ftp::LoginResult r;
        r.status = ftp::LoginResult::Status::denied;
        return r;
    }
    std::optional<ftp::PostAuthSession> hand_over(ftp::HandoverState) override { return std::nullopt; }
    [[nodiscard]] bool wants_hook(exec::HookPoint, std::string_view) const override { return false; }
    std::vector<std::string> run_hooks(exec::HookPoint, const exec::CommandEvent&) override { return {}; }
    Result<UniqueFd> privileged_data_connection(std::uint16_t, const std::string&, std::uint16_t) override {
        return Error{"not in this test"};
    }
    void log_transfer(std::string_view) override {}
    void session_ended(std::string_view why) override { reason = std::string(why); }

    std::vector<std::string> users;
    std::string reason;
};

// The client's side: clear text until start_tls(), TLS after it. Replies are read whole (multi-line too).
class Client {
public:
    explicit Client(int fd) : fd_(fd) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() {
        if (ssl_ != nullptr) {
            SSL_free(ssl_);
        }
        if (ctx_ != nullptr) {
            SSL_CTX_free(ctx_);
        }
    }

    void send(const std::string& text) {
        if (ssl_ != nullptr) {
            ASSERT_EQ(SSL_write(ssl_, text.data(), static_cast<int>(text.size())), static_cast<int>(text.size()));
        } else {
            ASSERT_EQ(::write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
        }
    }

    // One reply ("ddd text\r\n", or "ddd-...\r\n ... ddd text\r\n"); empty at end of stream.
    std::string reply() {
        std::string out;
        std::string line;
        while (true) {
            char c = 0;
            const long n = ssl_ != nullptr ? SSL_read(ssl_, &c, 1) : ::read(fd_, &c, 1);
            if (n <= 0) {
                return out;
            }
            line.push_back(c);
            if (c != '\n') {
                continue;
            }
            out += line;
            const bool last = line.size() >= 4 && line[3] == ' ' && out.compare(0, 3, line, 0, 3) == 0;
            line.clear();
            if (last) {
                return out;
            }
        }
    }

    std::string command(const std::string& line) {
        send(line + "\r\n");
        return reply();
    }

    bool start_tls(int version) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_min_proto_version(ctx_, version);
        SSL_CTX_set_max_proto_version(ctx_, version);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        return SSL_connect(ssl_) == 1;
    }

    [[nodiscard]] std::string version() const { return ssl_ != nullptr ? SSL_get_version(ssl_) : ""; }

private:
    int fd_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
};

class SessionTls : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ward-session-tls-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        const auto files = testing::write_cert_and_key(dir_, "RSA", "server");
        auto signer = monitor::KeySigner::load(files.certificate, files.key);
        ASSERT_TRUE(signer.has_value()) << signer.error().message;
        signer_ = std::make_unique<monitor::KeySigner>(std::move(*signer));
        auto key = tls::remote_key(signer_->certificate(), [this](const tls::SignRequest& request) {
            ++signatures_;
            return signer_->sign(request);
        });
        ASSERT_TRUE(key.has_value()) << key.error().message;
        ASSERT_FALSE(tls::has_private_components(key->get()));
        auto ctx = tls::make_server_context(signer_->certificate(), key->get(), tls::ServerSettings{});
        ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
        ASSERT_EQ(SSL_CTX_up_ref(ctx->get()), 1);  // Asio's context takes one reference
        settings_.tls = std::make_shared<boost::asio::ssl::context>(ctx->get());
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Runs a pre-auth session on loopback with `script` as the client.
    void run(const std::function<void(Client&)>& script) {
        auto conn = connect_loopback();
        boost::asio::io_context io;
        ftp::Session session(io, std::move(conn.server), host_, settings_);
        std::thread client([&] {
            Client c(conn.client.get());
            script(c);
            ::shutdown(conn.client.get(), SHUT_RDWR);
        });
        session.start();
        io.run();
        client.join();
        EXPECT_TRUE(session.finished());
    }

    fs::path dir_;
    std::unique_ptr<monitor::KeySigner> signer_;
    int signatures_ = 0;
    ftp::SessionSettings settings_;
    DenyingHost host_;
};

TEST_F(SessionTls, AuthTlsHandshakesWithRemoteSignaturesThenPbszAndProt) {
    for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        signatures_ = 0;
        run([&](Client& c) {
            ASSERT_EQ(c.reply().substr(0, 4), "220 ");
            const std::string feat = c.command("FEAT");
            EXPECT_NE(feat.find("\r\n AUTH TLS\r\n"), std::string::npos) << feat;
            EXPECT_NE(feat.find("\r\n PBSZ\r\n"), std::string::npos) << feat;
            EXPECT_NE(feat.find("\r\n PROT\r\n"), std::string::npos) << feat;
            EXPECT_EQ(c.command("PBSZ 0"), "503 PBSZ not allowed on insecure control connection\r\n");
            EXPECT_EQ(c.command("CCC"), "533 CCC not allowed on insecure control connection\r\n");
            EXPECT_EQ(c.command("AUTH KERBEROS"), "504 AUTH KERBEROS unsupported\r\n");
            EXPECT_EQ(c.command("AUTH TLS"), "234 AUTH TLS successful\r\n");
            ASSERT_TRUE(c.start_tls(version));
            EXPECT_EQ(c.version(), version == TLS1_2_VERSION ? "TLSv1.2" : "TLSv1.3");
            EXPECT_EQ(c.command("AUTH TLS"), "503 TLS already in use on the control connection\r\n");
            EXPECT_EQ(c.command("PROT C"), "503 You must issue the PBSZ command prior to PROT\r\n");
            EXPECT_EQ(c.command("PBSZ 0"), "200 PBSZ=0\r\n");
            EXPECT_EQ(c.command("PROT C"), "200 Protection set to Clear\r\n");
            EXPECT_EQ(c.command("PROT S"), "536 PROT S unsupported\r\n");
            EXPECT_EQ(c.command("PROT E"), "536 PROT E unsupported\r\n");
            EXPECT_EQ(c.command("PROT X"), "504 PROT X unsupported\r\n");
            EXPECT_EQ(c.command("CCC"), "534 Unwilling to accept security parameters\r\n");
            EXPECT_EQ(c.command("USER alice"), "331 Password required for alice\r\n");
            EXPECT_EQ(c.command("PASS secret"), "530 Login incorrect.\r\n");
            EXPECT_EQ(c.command("QUIT").substr(0, 4), "221 ");
        });
        EXPECT_GE(signatures_, 1) << "the handshake was signed by the key holder";
        EXPECT_EQ(host_.users.back(), "alice");
        EXPECT_EQ(host_.reason, "QUIT");
    }
}

TEST_F(SessionTls, AuthSslIsAcceptedAsTls) {
    run([](Client& c) {
        c.reply();
        EXPECT_EQ(c.command("AUTH SSL"), "234 AUTH SSL successful\r\n");
        ASSERT_TRUE(c.start_tls(TLS1_3_VERSION));
        EXPECT_EQ(c.command("NOOP").substr(0, 4), "200 ");
        c.command("QUIT");
    });
}

TEST_F(SessionTls, TlsRequiredRefusesUserAndPassBeforeAuth) {
    settings_.tls_required_ctrl = true;
    run([](Client& c) {
        c.reply();
        EXPECT_EQ(c.command("USER alice"), "550 SSL/TLS required on the control channel\r\n");
        EXPECT_EQ(c.command("PASS secret"), "550 SSL/TLS required on the control channel\r\n");
        EXPECT_EQ(c.command("AUTH TLS"), "234 AUTH TLS successful\r\n");
        ASSERT_TRUE(c.start_tls(TLS1_2_VERSION));
        EXPECT_EQ(c.command("USER alice"), "331 Password required for alice\r\n");
        c.command("QUIT");
    });
    EXPECT_EQ(host_.users, std::vector<std::string>{});  // the PASS before AUTH never reached the host
}

TEST_F(SessionTls, ClearTextSentAfterAuthEndsTheSession) {
    run([](Client& c) {
        c.reply();
        c.send("AUTH TLS\r\nUSER injected\r\n");
        EXPECT_EQ(c.reply(), "234 AUTH TLS successful\r\n");
        EXPECT_EQ(c.reply(), "") << "nothing after the 234: the injected USER is not run";
    });
    EXPECT_EQ(host_.reason, "clear text after AUTH TLS");
}

TEST_F(SessionTls, FailedHandshakeEndsTheSession) {
    run([](Client& c) {
        c.reply();
        EXPECT_EQ(c.command("AUTH TLS"), "234 AUTH TLS successful\r\n");
        c.send("USER not-a-client-hello\r\n");
        EXPECT_EQ(c.reply(), "") << "no FTP reply after a failed handshake: the connection is closed";
    });
    EXPECT_EQ(host_.reason, "TLS handshake failed");
}

TEST(SessionWithoutTls, Mod_tlsVerbsAreNotUnderstoodAndNotInFeat) {
    auto conn = connect_loopback();
    boost::asio::io_context io;
    DenyingHost host;
    ftp::Session session(io, std::move(conn.server), host, ftp::SessionSettings{});
    std::thread client([&] {
        Client c(conn.client.get());
        c.reply();
        const std::string feat = c.command("FEAT");
        EXPECT_EQ(feat.find("AUTH"), std::string::npos) << feat;
        EXPECT_EQ(feat.find("PBSZ"), std::string::npos) << feat;
        EXPECT_EQ(c.command("AUTH TLS"), "500 AUTH not understood\r\n");
        EXPECT_EQ(c.command("PBSZ 0"), "500 PBSZ not understood\r\n");
        EXPECT_EQ(c.command("PROT P"), "500 PROT not understood\r\n");
        EXPECT_EQ(c.command("CCC"), "500 CCC not understood\r\n");
        c.command("QUIT");
        ::shutdown(conn.client.get(), SHUT_RDWR);
    });
    session.start();
    io.run();
    client.join();
    EXPECT_EQ(host.reason, "QUIT");
}

}  // namespace
}  // namespace ward
