// ftp_session_testd: a test-only FTP server. It listens on 127.0.0.1 (--port, 0 = any; the chosen port is
// printed as "listening on 127.0.0.1:PORT") and runs one ward::ftp::Session per connection in a forked
// child, with TestHost in place of the privilege-separated monitor. See tests/integration/wardtest.py.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/log.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/session.hpp"
#include "tests/ftp/test_host.hpp"

namespace {

using ward::UniqueFd;

int serve_one(const ward::ftp::testd::Options& options, UniqueFd control) {
    boost::asio::io_context io;
    ward::ftp::testd::TestHost host(options, control.get());
    ward::ftp::Session session(io, std::move(control), host, options.settings);
    session.start();
    io.run();
    return session.finished() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    ward::ftp::testd::Options options;
    if (!ward::ftp::testd::parse_options(argc, argv, options)) {
        return 2;
    }
    ward::log::set_role("testd");
    ward::log::set_debug_level(std::getenv("WARD_TESTD_DEBUG") != nullptr ? 5 : 0);
    ward::log::prepare_for_confinement();
    UniqueFd transfer_log;
    if (!options.transfer_log.empty()) {
        auto fd = ward::sys::open(options.transfer_log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (!fd) {
            std::cerr << fd.error().message << '\n';
            return 1;
        }
        transfer_log = std::move(*fd);
        options.transfer_log_fd = transfer_log.get();
        options.settings.transfer_log = true;
    }
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int on = 1;
    (void)::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(options.port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener.get(), 64) != 0) {
        std::perror("ftp_session_testd: bind/listen");
        return 1;
    }
    socklen_t len = sizeof address;
    (void)::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &len);
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(ntohs(address.sin_port)));
    std::fflush(stdout);
    (void)std::signal(SIGCHLD, SIG_IGN);  // children are reaped by the kernel
    while (true) {
        const int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            std::perror("ftp_session_testd: accept");
            return 1;
        }
        UniqueFd control(fd);
        const pid_t pid = ::fork();
        if (pid == 0) {
            listener.reset();
            (void)std::signal(SIGCHLD, SIG_DFL);
            std::exit(serve_one(options, std::move(control)));
        }
        if (pid < 0) {
            std::perror("ftp_session_testd: fork");
        }
    }
}
