#include "daemon/master/key_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/monitor/key_signer.hpp"
#include "sandbox/capabilities.hpp"

namespace ward::master {
namespace {

constexpr int kPidfdIdType = 3;  // P_PIDFD (Linux 5.4), spelled out for headers that lack it

// The key process's whole life: answer the master's new channels and each channel's signature requests.
[[noreturn]] void serve(ipc::Channel control, const std::string& certificate_file, const std::string& key_file) {
    (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Forked by a master that may already listen (a SIGHUP reload): keep only the link to it.
    if (auto closed = sys::close_all_except({0, 1, 2, control.fd()}); !closed) {
        ::_exit(1);
    }
    auto signer = monitor::KeySigner::load(certificate_file, key_file);
    if (!signer) {
        (void)control.send(ipc::KeyStatus{false, signer.error().message.substr(0, ipc::Limits::key_error)});
        ::_exit(1);
    }
    // The files are read: the key process needs no capability and gains none (it keeps uid 0, which owns
    // the key file; SECURITY.md says what that leaves).
    if (auto dropped = sandbox::apply_capabilities(sandbox::CapabilitySet{}); !dropped) {
        (void)control.send(ipc::KeyStatus{false, str_cat("TLS key process: dropping capabilities: ",
                                                         dropped.error().message).substr(0, ipc::Limits::key_error)});
        ::_exit(1);
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        (void)control.send(ipc::KeyStatus{false, "TLS key process: no_new_privs refused"});
        ::_exit(1);
    }
    if (!control.send(ipc::KeyStatus{true, ""})) {
        ::_exit(1);
    }
    std::vector<ipc::Channel> clients;
    while (true) {
        // Without the master's link (gone, or closed by a -X master that became the session itself) the
        // sessions already connected are still served; the process ends with the last of them.
        if (!control.valid() && clients.empty()) {
            ::_exit(0);
        }
        std::vector<pollfd> fds;
        fds.push_back({control.valid() ? control.fd() : -1, POLLIN, 0});
        for (const auto& client : clients) {
            fds.push_back({client.fd(), POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            continue;  // EINTR
        }
        // The channels polled, backwards, so that a closed one can be erased while walking; a new one is
        // added after the walk.
        for (std::size_t i = fds.size() - 1; i > 0; --i) {
            if (fds[i].revents == 0) {
                continue;
            }
            auto received = clients[i - 1].receive();
            auto* request = received ? std::get_if<ipc::SignatureRequest>(&received->message) : nullptr;
            if (request == nullptr || received->fd.valid()) {
                clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 1));  // closed, or not a request
                continue;
            }
            auto signature = signer->sign(request->request);
            (void)clients[i - 1].send(ipc::SignatureAnswer{signature ? std::move(*signature) : std::string()});
        }
        if (fds[0].revents != 0) {
            auto received = control.receive();
            if (!received) {
                control.close();  // the master's link is gone
                continue;
            }
            if (std::holds_alternative<ipc::KeyClient>(received->message) && received->fd.valid()) {
                clients.emplace_back(std::move(received->fd));
            }
        }
    }
}

}  // namespace

Result<KeyProcess> KeyProcess::start(const std::string& certificate_file, const std::string& key_file) {
    auto pair = ipc::Channel::make_pair();
    if (!pair) {
        return std::move(pair).error();
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        return Error{"cannot start the TLS key process: fork failed"};
    }
    if (pid == 0) {
        pair->first.close();
        serve(std::move(pair->second), certificate_file, key_file);
    }
    pair->second.close();
    auto pidfd = sys::pidfd_open(pid);
    if (!pidfd) {
        (void)::kill(pid, SIGKILL);  // not reaped yet: the pid is still this child's
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return Error{str_cat("cannot watch the TLS key process: ", pidfd.error().message)};
    }
    KeyProcess process(pid, std::move(*pidfd), std::move(pair->first));
    auto status = process.control_.receive(std::chrono::seconds(30));
    const auto* loaded = status ? std::get_if<ipc::KeyStatus>(&status->message) : nullptr;
    if (loaded == nullptr) {
        return Error{"the TLS key process ended without loading the key"};
    }
    if (!loaded->loaded) {
        return Error{loaded->error};
    }
    return process;
}

KeyProcess::KeyProcess(KeyProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)), control_(std::move(other.control_)) {}

KeyProcess::~KeyProcess() {
    if (pidfd_.valid()) {
        (void)::syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0U);
        siginfo_t info{};
        while (::waitid(static_cast<idtype_t>(kPidfdIdType), static_cast<id_t>(pidfd_.get()), &info, WEXITED) < 0 &&
               errno == EINTR) {
        }
    }
}

Result<ipc::Channel> KeyProcess::connect() {
    auto pair = ipc::Channel::make_pair();
    if (!pair) {
        return std::move(pair).error();
    }
    if (auto sent = control_.send(ipc::KeyClient{}, pair->second.fd()); !sent) {
        return std::move(sent).error();
    }
    return std::move(pair->first);
}

Result<std::string> KeyProcess::sign(ipc::Channel& channel, const tls::SignRequest& request) {
    if (auto sent = channel.send(ipc::SignatureRequest{request}); !sent) {
        return std::move(sent).error();
    }
    auto answer = channel.receive(std::chrono::seconds(10));
    auto* signature = answer ? std::get_if<ipc::SignatureAnswer>(&answer->message) : nullptr;
    if (signature == nullptr) {
        return Error{"no answer from the TLS key process"};
    }
    if (signature->signature.empty()) {
        return Error{"the TLS key process refused to sign"};
    }
    return std::move(signature->signature);
}

}  // namespace ward::master
