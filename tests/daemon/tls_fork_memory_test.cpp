// Key isolation read from the processes' memory. Every worker is forked from its session monitor; a process
// forked after the TLS key was loaded holds a copy of the key's secret numbers. So the key lives in a key process that loads it
// itself and from which nothing is forked (daemon/master/key_process.hpp). Here a scripted "monitor" either
// loads the key itself (the control case) or uses a key process, signs once, forks a "worker", and then looks
// for the RSA prime p in /proc/PID/mem of the worker and of the key process. No process of the test holds p
// before the worker is forked: the key is generated in a child that exits, and p is read and sent to the
// monitor only afterwards.
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "config/model.hpp"
#include "config/server.hpp"
#include "daemon/master/key_process.hpp"
#include "daemon/master/tls_files.hpp"
#include "daemon/monitor/key_signer.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward {
namespace {

namespace fs = std::filesystem;

constexpr int kInWorker = 1;
constexpr int kInKeyProcess = 2;
constexpr int kSetupFailed = 64;

// True when `needle`, or its bytes reversed (a BIGNUM's limbs in memory are little-endian), occurs in any
// readable mapping of process `pid`.
bool memory_holds(pid_t pid, const std::string& needle) {
    const std::string reversed(needle.rbegin(), needle.rend());
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    const int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
    if (mem < 0) {
        (void)std::fprintf(stderr, "cannot open /proc/%d/mem: %s\n", pid, std::strerror(errno));
        ::_exit(kSetupFailed + 10);  // a search that cannot look must not pass
    }
    bool found = false;
    std::string line;
    while (!found && std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range;
        std::string perms;
        fields >> range >> perms;
        if (perms.empty() || perms[0] != 'r' || line.find("[vvar]") != std::string::npos) {
            continue;
        }
        const auto dash = range.find('-');
        const auto start = std::stoull(range.substr(0, dash), nullptr, 16);
        const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
        std::string bytes(end - start, '\0');
        const ssize_t n = ::pread(mem, bytes.data(), bytes.size(), static_cast<off_t>(start));
        if (n > 0) {
            bytes.resize(static_cast<std::size_t>(n));
            found = bytes.find(needle) != std::string::npos || bytes.find(reversed) != std::string::npos;
        }
    }
    ::close(mem);
    return found;
}

std::string prime_p(const std::string& key_file) {
    FILE* f = std::fopen(key_file.c_str(), "r");
    tls::KeyPtr key(f != nullptr ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr);
    if (f != nullptr) {
        (void)std::fclose(f);
    }
    BIGNUM* p = nullptr;
    if (!key || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, &p) != 1) {
        return {};
    }
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(p)), '\0');
    BN_bn2bin(p, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_clear_free(p);
    return bytes;
}

std::string sha256_digest_info() {
    std::string info("\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20", 19);
    info.append(32, 'd');
    return info;
}

bool read_all(int fd, std::string& out) {
    char buf[512];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    return n == 0;
}

// The -t / start-up check of the key's files (daemon/master/tls_files.hpp), as the master runs it before it
// forks sessions; the files named as a configuration names them.
bool check_files_as_master(const testing::CertFiles& files) {
    auto config = std::make_shared<config::Config>();
    config->root.directives = {{"TLSEngine", {"on"}, {"t.conf", 1, 0}},
                               {"TLSRSACertificateFile", {files.certificate}, {"t.conf", 2, 0}},
                               {"TLSRSACertificateKeyFile", {files.key}, {"t.conf", 3, 0}}};
    auto servers = config::ServerSet::build(config);
    master::TlsFilesChecked checked;
    return servers && ::chmod(files.key.c_str(), 0600) == 0 && master::check_tls_files(*servers, checked) &&
           checked.certificates.size() == 1;
}

enum class Holder : std::uint8_t { own_key, key_process, config_check };

// The scripted monitor: its exit status is kInWorker | kInKeyProcess for where p was found.
[[noreturn]] void monitor_process(const testing::CertFiles& files, Holder holder, int ready_fd, int prime_fd) {
    std::optional<master::KeyProcess> key_process;
    std::optional<monitor::KeySigner> own_key;
    if (holder == Holder::config_check) {
        if (!check_files_as_master(files)) {
            ::_exit(kSetupFailed + 6);
        }
    } else if (holder == Holder::key_process) {
        auto started = master::KeyProcess::start(files.certificate, files.key);
        if (!started) {
            ::_exit(kSetupFailed);
        }
        key_process.emplace(std::move(*started));
        auto channel = key_process->connect();
        if (!channel) {
            ::_exit(kSetupFailed + 1);
        }
        auto signature = master::KeyProcess::sign(*channel, {tls::SignScheme::rsa_pkcs1_digest, sha256_digest_info()});
        if (!signature) {
            (void)std::fprintf(stderr, "sign: %s\n", signature.error().message.c_str());
            ::_exit(kSetupFailed + 5);
        }
    } else {
        auto loaded = monitor::KeySigner::load(files.certificate, files.key);
        if (!loaded || !loaded->sign({tls::SignScheme::rsa_pkcs1_digest, sha256_digest_info()})) {
            ::_exit(kSetupFailed + 2);
        }
        own_key.emplace(std::move(*loaded));
    }
    int hold[2];
    if (::pipe2(hold, O_CLOEXEC) != 0) {
        ::_exit(kSetupFailed + 3);
    }
    const pid_t worker = ::fork();
    if (worker == 0) {
        char byte = 0;
        while (::read(hold[0], &byte, 1) < 0 && errno == EINTR) {  // waits until the monitor has looked
        }
        ::_exit(0);
    }
    (void)!::write(ready_fd, "r", 1);
    std::string p;
    if (!read_all(prime_fd, p) || p.empty()) {
        ::_exit(kSetupFailed + 4);
    }
    int where = 0;
    if (memory_holds(worker, p)) {
        where |= kInWorker;
    }
    if (key_process && memory_holds(key_process->pid(), p)) {
        where |= kInKeyProcess;
    }
    (void)::kill(worker, SIGKILL);
    (void)::waitpid(worker, nullptr, 0);
    ::_exit(where);
}

class TlsKeyMemory : public ::testing::Test {
protected:
    void SetUp() override {
#ifdef WARD_SANITIZER_BUILD
        // ASan maps terabytes of readable shadow memory: reading every mapping takes hours. The release build
        // runs these tests.
        GTEST_SKIP() << "reads whole /proc/PID/mem; run in the release build";
#endif
        dir_ = fs::temp_directory_path() / ("ward-tls-mem-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        files_ = testing::CertFiles{(dir_ / "server.crt").string(), (dir_ / "server.key").string()};
        // Generated in a child that exits, so this process never holds the key.
        const pid_t maker = ::fork();
        if (maker == 0) {
            (void)testing::write_cert_and_key(dir_, "RSA", "server");
            ::_exit(0);
        }
        (void)::waitpid(maker, nullptr, 0);
    }
    void TearDown() override { fs::remove_all(dir_); }

    int run_monitor(Holder holder) {
        int ready[2];
        int prime[2];
        if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(prime, O_CLOEXEC) != 0) {
            return -1;
        }
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(ready[0]);
            ::close(prime[1]);
            monitor_process(files_, holder, ready[1], prime[0]);
        }
        ::close(ready[1]);
        ::close(prime[0]);
        char byte = 0;
        if (::read(ready[0], &byte, 1) == 1) {
            const std::string p = prime_p(files_.key);  // only now, after the worker was forked
            (void)!::write(prime[1], p.data(), p.size());
        }
        ::close(prime[1]);
        ::close(ready[0]);
        int status = 0;
        (void)::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    fs::path dir_;
    testing::CertFiles files_;
};

TEST_F(TlsKeyMemory, AWorkerForkedFromAMonitorThatLoadedTheKeyHoldsItsPrime) {
    EXPECT_EQ(run_monitor(Holder::own_key), kInWorker);
}

TEST_F(TlsKeyMemory, WithTheKeyProcessTheWorkerHoldsNoPrimeAndTheKeyProcessDoes) {
    EXPECT_EQ(run_monitor(Holder::key_process), kInKeyProcess);
}

// -t and start-up check the pair in a throwaway key process: a session the master forks afterwards holds no p.
TEST_F(TlsKeyMemory, AProcessForkedAfterTheFileCheckHoldsNoPrime) {
    EXPECT_EQ(run_monitor(Holder::config_check), 0);
}

TEST(KeyProcess, RefusesAMismatchedKeyWithTheFilesNamed) {
    const fs::path dir = fs::temp_directory_path() / ("ward-tls-kp-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto a = testing::write_cert_and_key(dir, "EC", "a");
    const auto b = testing::write_cert_and_key(dir, "EC", "b");
    auto started = master::KeyProcess::start(a.certificate, b.key);
    ASSERT_FALSE(started.has_value());
    // The whole message crosses the key process's status message, advice included.
    EXPECT_TRUE(started.error().message.starts_with("key " + b.key + " does not belong to certificate " +
                                                    a.certificate + "; name the key the certificate was made for"))
        << started.error().message;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ward
