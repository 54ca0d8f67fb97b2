// The session monitor against scripted workers: every request outside the phase table ends the session,
// and the good paths produce the right post-auth plan.
#include "daemon/monitor/session_monitor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "base/log.hpp"
#include "base/sys.hpp"
#include "daemon/auth/password.hpp"
#include "daemon/monitor/key_signer.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward::monitor {
namespace {

using namespace std::chrono_literals;
using Script = std::function<int(ipc::Channel&)>;  // runs in the forked "worker"; returns its exit status

class ScriptedLauncher : public WorkerLauncher {
public:
    std::vector<Script> scripts;  // one per worker, in start order
    std::optional<PostAuthPlan> plan;
    ftp::HandoverState state;

    Result<StartedWorker> start_preauth(ipc::Channel worker_end) override { return start(std::move(worker_end)); }
    Result<StartedWorker> start_postauth(ipc::Channel worker_end, const PostAuthPlan& p,
                                         const ftp::HandoverState& s) override {
        plan = p;
        state = s;
        return start(std::move(worker_end));
    }

private:
    Result<StartedWorker> start(ipc::Channel end) {
        if (next_ >= scripts.size()) {
            return Error{"no script for this worker"};
        }
        Script& script = scripts[next_++];
        const pid_t pid = ::fork();
        if (pid == 0) {
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            ::_exit(script(end));
        }
        StartedWorker worker;
        worker.pid = pid;
        auto pidfd = sys::pidfd_open(pid);
        if (!pidfd) {
            return std::move(pidfd).error();
        }
        worker.pidfd = std::move(*pidfd);
        return worker;
    }
    std::size_t next_ = 0;
};

class FakeRules : public LoginRules {
public:
    auth::AuthSettings settings;
    std::optional<std::string> default_root;
    std::optional<AnonymousTarget> anonymous;
    unsigned max_attempts = 3;

    const auth::AuthSettings& auth_settings() const override { return settings; }
    std::string resolve_alias(std::string_view name) const override { return std::string(name); }
    std::optional<AnonymousTarget> anonymous_for(std::string_view name) const override {
        return name == "anonymous" ? anonymous : std::nullopt;
    }
    bool login_allowed(const auth::Account&, bool, const ClientInfo&) const override { return true; }
    std::optional<std::string> default_root_for(const auth::Account&) const override { return default_root; }
    unsigned max_login_attempts() const override { return max_attempts; }
};

// Helpers for scripts (they run in the child: report failures through the exit status).
bool send(ipc::Channel& c, const ipc::Message& m) { return c.send(m).has_value(); }
template <class T>
std::optional<T> expect(ipc::Channel& c) {
    auto got = c.receive(5s);
    if (!got || !std::holds_alternative<T>(got->message)) {
        return std::nullopt;
    }
    return std::get<T>(got->message);
}

class Monitor : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_sink({log::Sink::Kind::none, -1});
        dir_ = std::filesystem::temp_directory_path() / ("ward-monitor-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_ / "alice");
        rules_.settings.order = {auth::AuthStep{auth::AuthSource::file}};
        rules_.settings.require_valid_shell = false;
        rules_.settings.use_ftpusers = false;
        rules_.settings.user_file = (dir_ / "passwd").string();
        std::ofstream(rules_.settings.user_file) << "alice:" << auth::hash_password("pw", "$5$") << ":2001:2001::"
                                                 << (dir_ / "alice").string() << ":/bin/sh\n";
        ::chmod(rules_.settings.user_file.c_str(), 0600);
        int pair[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        control_.reset(pair[0]);
        client_.reset(pair[1]);
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        log::set_sink({});
    }
    std::string run_monitor() {
        MonitorSetup setup;
        setup.control_fd = control_.get();
        setup.facts.client_address = "127.0.0.1";
        setup.facts.local_address = "127.0.0.1";
        setup.facts.local_port = 22;
        setup.rules = &rules_;
        setup.launcher = &launcher_;
        setup.failed_login_floor = 50ms;
        setup.handover_timeout = 2s;
        setup.login_timeout = login_timeout_;
        setup.admission = admission_;
        if (signer_.has_value()) {
            setup.sign = [this](const tls::SignRequest& request) { return signer_->sign(request); };
        }
        setup.tls_required_for_login = tls_required_for_login_;
        setup.report = [this](const ipc::SessionEvent& event) { reported_.push_back(event); };
        monitor_ = std::make_unique<SessionMonitor>(std::move(setup));
        return monitor_->run();
    }
    // The monitor's signer, with a fresh certificate and key of this type ("EC" or "RSA").
    void load_signer(const char* type) {
        const auto files = testing::write_cert_and_key(dir_, type, "server");
        auto loaded = KeySigner::load(files.certificate, files.key);
        ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
        signer_.emplace(std::move(*loaded));
    }
    std::string client_reads() {
        char buf[256];
        const ssize_t n = ::recv(client_.get(), buf, sizeof buf, MSG_DONTWAIT);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }

    std::filesystem::path dir_;
    FakeRules rules_;
    ScriptedLauncher launcher_;
    UniqueFd control_, client_;
    std::unique_ptr<SessionMonitor> monitor_;
    std::chrono::seconds login_timeout_{300};
    LoginAdmission* admission_ = nullptr;
    std::optional<KeySigner> signer_;
    bool tls_required_for_login_ = false;
    std::vector<ipc::SessionEvent> reported_;  // what the monitor told the master
};

TEST_F(Monitor, GoodLoginHandsOverAndStartsPostAuthWorker) {
    rules_.default_root = dir_.string();
    launcher_.scripts.push_back([](ipc::Channel& c) {
        if (!send(c, ipc::AuthRequest{"alice", "pw"})) return 10;
        const auto answer = expect<ipc::AuthAnswer>(c);
        if (!answer || answer->status != ftp::LoginResult::Status::ok) return 11;
        if (!send(c, ipc::HandoverRequest{ftp::HandoverState{"PWD\r\n", true, true, 1, 2, {}}})) return 12;
        return 0;
    });
    launcher_.scripts.push_back([](ipc::Channel& c) { return send(c, ipc::SessionEnd{"QUIT"}) ? 0 : 13; });
    EXPECT_EQ(run_monitor(), "QUIT");
    ASSERT_TRUE(launcher_.plan);
    EXPECT_EQ(launcher_.plan->identity.user, "alice");
    EXPECT_EQ(launcher_.plan->identity.uid, 2001U);
    EXPECT_EQ(launcher_.plan->chroot, dir_.string());
    EXPECT_EQ(launcher_.plan->identity.root, dir_.string());
    EXPECT_EQ(launcher_.plan->identity.initial_cwd, "/alice");
    EXPECT_EQ(launcher_.state.pending_input, "PWD\r\n");
    EXPECT_TRUE(launcher_.state.binary_type);
    EXPECT_EQ(client_reads(), "");  // nothing said on the worker's behalf
}

TEST_F(Monitor, FailedLoginsAreDelayedAndBoundedByMaxLoginAttempts) {
    launcher_.scripts.push_back([](ipc::Channel& c) {
        for (int i = 0; i < 3; ++i) {
            const auto start = std::chrono::steady_clock::now();
            if (!send(c, ipc::AuthRequest{i == 1 ? "nobody-here" : "alice", "wrong"})) return 20;
            const auto answer = expect<ipc::AuthAnswer>(c);
            if (!answer || answer->reply_text != "Login incorrect.") return 21;
            if (std::chrono::steady_clock::now() - start < 50ms) return 22;
            const auto want = i < 2 ? ftp::LoginResult::Status::denied : ftp::LoginResult::Status::closing;
            if (answer->status != want) return 23 + i;
        }
        return 0;
    });
    EXPECT_EQ(run_monitor(), "too many failed logins");
    EXPECT_EQ(monitor_->failed_logins(), 3U);
    EXPECT_FALSE(launcher_.plan);
}

struct Violation {
    const char* name;
    Script script;
};

class MonitorViolations : public Monitor, public ::testing::WithParamInterface<Violation> {};

TEST_P(MonitorViolations, EndTheSessionAndTellTheClient) {
    launcher_.scripts.push_back(GetParam().script);
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_EQ(client_reads(), "421 Service not available, closing control connection\r\n");
    EXPECT_FALSE(launcher_.plan);
}

int block_forever(ipc::Channel&) {
    ::pause();
    return 0;
}

INSTANTIATE_TEST_SUITE_P(
    OutOfPhaseMalformedOversizedReplayed, MonitorViolations,
    ::testing::Values(
        Violation{"handover_before_login",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::HandoverRequest{});
                      return block_forever(c);
                  }},
        Violation{"data_socket_before_login",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::DataSocketRequest{21, "127.0.0.1", 40000});
                      return block_forever(c);
                  }},
        Violation{"answer_type_from_worker",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::AuthAnswer{ftp::LoginResult::Status::ok, ""});
                      return block_forever(c);
                  }},
        Violation{"auth_replayed_after_success",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::AuthRequest{"alice", "pw"});
                      (void)expect<ipc::AuthAnswer>(c);
                      (void)send(c, ipc::AuthRequest{"alice", "pw"});
                      return block_forever(c);
                  }},
        Violation{"transfer_report_before_login",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::TransferReport{false, exec::TransferStatus::success, 1});
                      return block_forever(c);
                  }},
        Violation{"session_end_twice",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::SessionEnd{"a"});
                      (void)send(c, ipc::SessionEnd{"b"});
                      return block_forever(c);
                  }},
        Violation{"malformed_bytes",
                  [](ipc::Channel& c) {
                      (void)::send(c.fd(), "\x01\x01\x00\x00\xff\xff\xff\xff", 8, 0);
                      return block_forever(c);
                  }},
        Violation{"oversized_message",
                  [](ipc::Channel& c) {
                      const std::string huge(100 * 1024, 'x');
                      (void)::send(c.fd(), huge.data(), huge.size(), 0);
                      return block_forever(c);
                  }},
        Violation{"signature_without_a_tls_key",
                  [](ipc::Channel& c) {
                      (void)send(c, ipc::SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest,
                                                                           std::string(32, 'd')}});
                      return block_forever(c);
                  }},
        Violation{"request_with_an_fd",
                  [](ipc::Channel& c) {
                      (void)c.send(ipc::SessionEnd{"x"}, 0);
                      return block_forever(c);
                  }}),
    [](const ::testing::TestParamInfo<Violation>& param_info) { return param_info.param.name; });

// Key isolation: the monitor signs a pre-auth worker's handshake digest with a key the worker does not have,
// at most kPreauthSignatures times, and never an input that is not shaped like a handshake signature.
TEST_F(Monitor, TlsHandshakeSignaturesAreMadeByTheMonitorAndBoundedPerPhase) {
    const auto files = testing::write_cert_and_key(dir_, "EC", "server");
    auto loaded = KeySigner::load(files.certificate, files.key);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    signer_.emplace(std::move(*loaded));
    EVP_PKEY* public_key = X509_get0_pubkey(signer_->certificate());
    launcher_.scripts.push_back([public_key](ipc::Channel& c) {
        const std::string digest(32, 'd');
        for (std::uint32_t i = 0; i < kPreauthSignatures; ++i) {
            if (!send(c, ipc::SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest, digest}})) return 40;
            const auto answer = expect<ipc::SignatureAnswer>(c);
            if (!answer) return 41;
            tls::KeyCtxPtr verify(EVP_PKEY_CTX_new(public_key, nullptr));
            if (EVP_PKEY_verify_init(verify.get()) != 1 ||
                EVP_PKEY_verify(verify.get(), reinterpret_cast<const unsigned char*>(answer->signature.data()),
                                answer->signature.size(), reinterpret_cast<const unsigned char*>(digest.data()),
                                digest.size()) != 1) {
                return 42;
            }
        }
        (void)send(c, ipc::SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest, digest}});
        return block_forever(c);
    });
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_EQ(monitor_->preauth_signatures(), kPreauthSignatures);
    // The control connection is under TLS once the monitor signed its handshake: no clear-text 421 is written
    // into the client's TLS stream.
    EXPECT_EQ(client_reads(), "");
}

// TLSRequired for logins is the monitor's rule, not only the worker's: a login in a session whose control
// connection's handshake the monitor did not sign ends the session; after a signed handshake it is answered.
TEST_F(Monitor, TlsRequiredLoginWithoutASignedHandshakeEndsTheSession) {
    ASSERT_NO_FATAL_FAILURE(load_signer("EC"));
    tls_required_for_login_ = true;
    launcher_.scripts.push_back([](ipc::Channel& c) {
        (void)send(c, ipc::AuthRequest{"alice", "pw"});
        return expect<ipc::AuthAnswer>(c) ? 60 : 0;
    });
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_FALSE(launcher_.plan);
    EXPECT_EQ(monitor_->failed_logins(), 0U);
    EXPECT_EQ(client_reads(), "421 Service not available, closing control connection\r\n");
}

TEST_F(Monitor, TlsRequiredLoginAfterASignedHandshakeIsAnswered) {
    rules_.default_root = dir_.string();
    ASSERT_NO_FATAL_FAILURE(load_signer("EC"));
    tls_required_for_login_ = true;
    launcher_.scripts.push_back([](ipc::Channel& c) {
        const std::string digest(32, 'd');
        if (!send(c, ipc::SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest, digest}})) return 61;
        if (!expect<ipc::SignatureAnswer>(c)) return 62;
        if (!send(c, ipc::AuthRequest{"alice", "pw"})) return 63;
        const auto answer = expect<ipc::AuthAnswer>(c);
        if (!answer || answer->status != ftp::LoginResult::Status::ok) return 64;
        if (!send(c, ipc::HandoverRequest{ftp::HandoverState{}})) return 65;
        return 0;
    });
    launcher_.scripts.push_back([](ipc::Channel& c) { return send(c, ipc::SessionEnd{"QUIT"}) ? 0 : 66; });
    EXPECT_EQ(run_monitor(), "QUIT");
    ASSERT_TRUE(launcher_.plan);
    EXPECT_EQ(launcher_.plan->identity.user, "alice");
    EXPECT_EQ(monitor_->preauth_signatures(), 1U);
}

TEST_F(Monitor, AnInputThatIsNotAHandshakeSignatureEndsTheSession) {
    const auto files = testing::write_cert_and_key(dir_, "RSA", "server");
    auto loaded = KeySigner::load(files.certificate, files.key);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    signer_.emplace(std::move(*loaded));
    launcher_.scripts.push_back([](ipc::Channel& c) {
        // A raw RSA private operation on chosen bytes would decrypt or forge anything; it is not a PSS block.
        std::string chosen(256, '\x42');
        chosen[0] = '\0';
        (void)send(c, ipc::SignatureRequest{tls::SignRequest{tls::SignScheme::rsa_pss_block, chosen}});
        return expect<ipc::SignatureAnswer>(c) ? 50 : 0;
    });
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_EQ(monitor_->preauth_signatures(), 0U);
}

TEST_F(Monitor, WorkerKilledBySignalIsReportedToTheClient) {
    launcher_.scripts.push_back([](ipc::Channel&) {
        ::raise(SIGSYS);
        return 0;
    });
    EXPECT_EQ(run_monitor(), "worker failed");
    EXPECT_EQ(client_reads(), "421 Service not available, closing control connection\r\n");
}

// A listening socket on 127.0.0.1 standing in for an active-mode client's data port.
struct ClientDataPort {
    UniqueFd fd;
    std::uint16_t port = 0;
    ClientDataPort() : fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), len) == 0 && ::listen(fd.get(), 4) == 0 &&
            ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0) {
            port = ntohs(a.sin_port);
        }
    }
};

int log_in_and_hand_over(ipc::Channel& c) {
    (void)send(c, ipc::AuthRequest{"alice", "pw"});
    (void)expect<ipc::AuthAnswer>(c);
    (void)send(c, ipc::HandoverRequest{});
    return 0;
}

// Port 20 (L-1): the monitor connects the privileged socket to the client and hands over only the
// connected socket, which can neither be connected elsewhere nor listen.
TEST_F(Monitor, PrivilegedDataConnectionIsMadeByTheMonitorToTheClientOnly) {
    rules_.default_root = dir_.string();
    const bool root = ::geteuid() == 0;
    const ClientDataPort client;
    ASSERT_NE(client.port, 0);
    const ClientDataPort elsewhere;
    launcher_.scripts.push_back(log_in_and_hand_over);
    launcher_.scripts.push_back([root, &client, &elsewhere](ipc::Channel& c) {
        if (!send(c, ipc::DataSocketRequest{21, "127.0.0.1", client.port})) return 30;
        auto got = c.receive(5s);
        if (!got) return 31;
        const auto& answer = std::get<ipc::DataSocketAnswer>(got->message);
        if (!root) {
            // binding port 21 needs CAP_NET_BIND_SERVICE: the answer says why, and the session goes on
            if (answer.ok || answer.error.find("Permission denied") == std::string::npos) return 32;
        } else {
            if (!answer.ok || !got->fd.valid()) return 33;
            sockaddr_in peer{};
            socklen_t len = sizeof peer;
            if (::getpeername(got->fd.get(), reinterpret_cast<sockaddr*>(&peer), &len) != 0) return 34;
            if (ntohs(peer.sin_port) != client.port) return 35;
            sockaddr_in self{};
            len = sizeof self;
            if (::getsockname(got->fd.get(), reinterpret_cast<sockaddr*>(&self), &len) != 0) return 36;
            if (ntohs(self.sin_port) != 21) return 37;
            // a compromised worker cannot point the privileged port somewhere else, or listen on it
            sockaddr_in other{};
            other.sin_family = AF_INET;
            other.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            other.sin_port = htons(elsewhere.port);
            if (::connect(got->fd.get(), reinterpret_cast<sockaddr*>(&other), sizeof other) == 0 || errno != EISCONN) {
                return 38;
            }
            if (::listen(got->fd.get(), 1) == 0 || errno != EINVAL) return 39;
        }
        // not L-1: a violation
        (void)send(c, ipc::DataSocketRequest{20, "127.0.0.1", client.port});
        ::pause();
        return 0;
    });
    EXPECT_EQ(run_monitor(), "protocol violation");
}

class MonitorPostAuthViolations : public Monitor, public ::testing::WithParamInterface<Violation> {};

TEST_P(MonitorPostAuthViolations, EndTheSession) {
    rules_.default_root = dir_.string();
    launcher_.scripts.push_back(log_in_and_hand_over);
    launcher_.scripts.push_back(GetParam().script);
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_EQ(client_reads(), "421 Service not available, closing control connection\r\n");
}

INSTANTIATE_TEST_SUITE_P(
    PrivilegedDataConnections, MonitorPostAuthViolations,
    ::testing::Values(Violation{"to_another_host",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::DataSocketRequest{21, "127.0.0.2", 40000});
                                    return block_forever(c);
                                }},
                      Violation{"to_a_privileged_port",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::DataSocketRequest{21, "127.0.0.1", 22});
                                    return block_forever(c);
                                }},
                      Violation{"to_a_mapped_address",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::DataSocketRequest{21, "::ffff:127.0.0.2", 40000});
                                    return block_forever(c);
                                }},
                      Violation{"to_no_address",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::DataSocketRequest{21, "", 40000});
                                    return block_forever(c);
                                }}),
    [](const ::testing::TestParamInfo<Violation>& param_info) { return param_info.param.name; });

// A post-auth worker's transfer reports reach the master as its word: one event of the transfer's result and
// one of its bytes each (none for no bytes), never answered.
TEST_F(Monitor, TransferReportsArePassedToTheMasterAsSessionEvents) {
    rules_.default_root = dir_.string();
    launcher_.scripts.push_back(log_in_and_hand_over);
    launcher_.scripts.push_back([](ipc::Channel& c) {
        if (!send(c, ipc::TransferReport{true, exec::TransferStatus::cancelled, 5ULL << 32})) return 40;
        if (!send(c, ipc::TransferReport{false, exec::TransferStatus::success, 12345})) return 41;
        if (!send(c, ipc::TransferReport{false, exec::TransferStatus::timeout, 0})) return 42;
        return send(c, ipc::SessionEnd{"QUIT"}) ? 0 : 43;
    });
    EXPECT_EQ(run_monitor(), "QUIT");
    using Kind = ipc::SessionEvent::Kind;
    const std::vector<ipc::SessionEvent> expected = {
        {Kind::upload_aborted, 1}, {Kind::upload_bytes, 5ULL << 32}, {Kind::download_complete, 1},
        {Kind::download_bytes, 12345}, {Kind::download_timeout, 1},
    };
    EXPECT_EQ(reported_, expected);
    EXPECT_EQ(client_reads(), "");
}

// MaxLoginAttempts is the monitor's: after the third failure it answers no more auth requests, even one
// with the right password, and no post-auth worker starts.
TEST_F(Monitor, AuthRequestPastMaxLoginAttemptsEndsTheSession) {
    launcher_.scripts.push_back([](ipc::Channel& c) {
        for (int i = 0; i < 3; ++i) {
            (void)send(c, ipc::AuthRequest{"alice", "wrong"});
            if (!expect<ipc::AuthAnswer>(c)) return 40;
        }
        (void)send(c, ipc::AuthRequest{"alice", "pw"});
        if (c.receive(5s)) return 41;  // no answer: the monitor ends the session
        return 0;
    });
    EXPECT_EQ(run_monitor(), "protocol violation");
    EXPECT_FALSE(launcher_.plan);
    EXPECT_EQ(client_reads(), "421 Service not available, closing control connection\r\n");
}

TEST_F(Monitor, WorkerThatStaysAfterMaxLoginAttemptsIsEnded) {
    launcher_.scripts.push_back([](ipc::Channel& c) {
        for (int i = 0; i < 3; ++i) {
            (void)send(c, ipc::AuthRequest{"alice", "wrong"});
            (void)expect<ipc::AuthAnswer>(c);
        }
        return block_forever(c);
    });
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run_monitor(), "too many failed logins");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_FALSE(launcher_.plan);
}

// TimeoutLogin is the monitor's too: a worker that neither logs in nor ends the session is ended.
TEST_F(Monitor, TimeoutLoginIsEnforcedByTheMonitor) {
    login_timeout_ = 1s;
    launcher_.scripts.push_back(block_forever);
    EXPECT_EQ(run_monitor(), "TimeoutLogin");
    EXPECT_EQ(client_reads(), "421 Login timeout (1 seconds): closing control connection\r\n");
    EXPECT_FALSE(launcher_.plan);
}

exec::CommandEvent command_event(std::string verb, int code) {
    exec::CommandEvent e;
    e.command = std::move(verb);
    e.reply_code = code;
    e.cwd = "/";
    return e;
}

// What an honest pre-auth worker asks for: hooks of commands that can run before login, and the 530
// refusal of one that cannot.
TEST_F(Monitor, PreAuthHooksForLoginCommandsAreAnswered) {
    launcher_.scripts.push_back([](ipc::Channel& c) {
        const std::vector<ipc::HookRequest> requests{
            {exec::HookPoint::before_command, command_event("USER", 0)},
            {exec::HookPoint::on_command, command_event("USER", 331)},
            {exec::HookPoint::on_error, command_event("PASS", 530)},
            {exec::HookPoint::on_command, command_event("FEAT", 211)},
            {exec::HookPoint::on_error, command_event("STOR", 530)},
        };
        for (const auto& request : requests) {
            if (!send(c, request) || !expect<ipc::HookAnswer>(c)) return 50;
        }
        return send(c, ipc::SessionEnd{"QUIT"}) ? 0 : 51;
    });
    EXPECT_EQ(run_monitor(), "QUIT");
}

ipc::HookRequest stor_with_path() {
    ipc::HookRequest r{exec::HookPoint::on_command, command_event("STOR", 226)};
    r.event.path = "/etc/passwd";
    return r;
}

INSTANTIATE_TEST_SUITE_P(
    PreAuthHooks, MonitorViolations,
    ::testing::Values(Violation{"stor_before_login",
                                [](ipc::Channel& c) {
                                    (void)send(c, stor_with_path());
                                    return block_forever(c);
                                }},
                      Violation{"stor_before_command_before_login",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::HookRequest{exec::HookPoint::before_command,
                                                                   command_event("STOR", 0)});
                                    return block_forever(c);
                                }},
                      Violation{"chosen_path_on_a_login_command",
                                [](ipc::Channel& c) {
                                    ipc::HookRequest r{exec::HookPoint::on_command, command_event("USER", 331)};
                                    r.event.path = "/srv/x";
                                    (void)send(c, r);
                                    return block_forever(c);
                                }},
                      Violation{"unknown_verb",
                                [](ipc::Channel& c) {
                                    (void)send(c, ipc::HookRequest{exec::HookPoint::on_error,
                                                                   command_event("XYZZY", 530)});
                                    return block_forever(c);
                                }},
                      Violation{"too_many_preauth_hooks",
                                [](ipc::Channel& c) {
                                    for (std::uint32_t i = 0; i <= kPreauthHookRequests; ++i) {
                                        (void)send(c, ipc::HookRequest{exec::HookPoint::on_command,
                                                                       command_event("NOOP", 200)});
                                        if (!expect<ipc::HookAnswer>(c)) break;
                                    }
                                    return block_forever(c);
                                }}),
    [](const ::testing::TestParamInfo<Violation>& param_info) { return param_info.param.name; });

class FakeAdmission : public LoginAdmission {
public:
    std::vector<std::string> asked;
    std::optional<LoginRefusal> refusal;
    std::optional<LoginRefusal> admit(const std::string& user, const std::string&) override {
        asked.push_back(user);
        return refusal;
    }
};

// MaxClientsPerUser & co. are the master's count: a refused login gets the limit's 530 from the monitor,
// and no post-auth worker.
TEST_F(Monitor, LoginRefusedByTheMastersCountGets530AndNoSession) {
    FakeAdmission admission;
    admission.refusal = LoginRefusal{"MaxClientsPerUser",
                                     "Sorry, the maximum number of clients (1) for this user are already connected."};
    admission_ = &admission;
    launcher_.scripts.push_back([](ipc::Channel& c) {
        (void)send(c, ipc::AuthRequest{"alice", "pw"});
        return block_forever(c);
    });
    EXPECT_EQ(run_monitor(), "Denied by MaxClientsPerUser");
    EXPECT_EQ(admission.asked, std::vector<std::string>{"alice"});
    EXPECT_EQ(client_reads(), "530 Sorry, the maximum number of clients (1) for this user are already connected.\r\n");
    EXPECT_FALSE(launcher_.plan);
}

TEST_F(Monitor, FailedPasswordIsNotCountedByTheMaster) {
    FakeAdmission admission;
    admission_ = &admission;
    launcher_.scripts.push_back([](ipc::Channel& c) {
        (void)send(c, ipc::AuthRequest{"alice", "wrong"});
        (void)expect<ipc::AuthAnswer>(c);
        return send(c, ipc::SessionEnd{"QUIT"}) ? 0 : 60;
    });
    EXPECT_EQ(run_monitor(), "QUIT");
    EXPECT_TRUE(admission.asked.empty());
}

}  // namespace
}  // namespace ward::monitor
