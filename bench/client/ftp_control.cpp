#include "bench/client/ftp_control.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ward::bench {
namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kDrainBuffer = std::size_t{1} << 20;  // 1 MiB: one recv per wakeup at loopback speed
constexpr std::size_t kMaxReplyBytes = 1 << 16;

[[noreturn]] void fail(const std::string& what, int err = errno) {
    throw BenchError(what + ": " + std::strerror(err));
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("send");
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace

UniqueFd connect_loopback(std::uint16_t port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        fail("socket");
    }
    const int one = 1;
    (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINTR) {
            fail("connect 127.0.0.1:" + std::to_string(port));
        }
    }
    return fd;
}

FtpControl::FtpControl(std::uint16_t port) : fd_(connect_loopback(port)) {}

void FtpControl::login(std::string_view user, std::string_view password) {
    const Reply greeting = read_reply();
    if (greeting.code != 220) {
        throw BenchError("greeting: " + greeting.text);
    }
    Reply reply = command(std::string("USER ").append(user));
    if (reply.code == 331) {
        reply = command(std::string("PASS ").append(password));
    }
    if (reply.code != 230) {
        throw BenchError("login: " + reply.text);
    }
}

void FtpControl::send(std::string_view command) {
    std::string line(command);
    line += "\r\n";
    write_all(fd_.get(), line);
}

std::string FtpControl::read_line() {
    for (;;) {
        const auto eol = buffer_.find('\n', start_);
        if (eol != std::string::npos) {
            std::string line = buffer_.substr(start_, eol + 1 - start_);
            start_ = eol + 1;
            if (start_ == buffer_.size()) {
                buffer_.clear();
                start_ = 0;
            }
            return line;
        }
        if (buffer_.size() - start_ > kMaxReplyBytes) {
            throw BenchError("reply line too long");
        }
        char chunk[kReadChunk];
        const ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("recv (control)");
        }
        if (n == 0) {
            throw BenchError("control connection closed" +
                             (buffer_.size() > start_ ? ": " + buffer_.substr(start_) : std::string()));
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

Reply FtpControl::read_reply() {
    Reply reply;
    std::string line = read_line();
    reply.text = line;
    if (line.size() < 4 || line[0] < '1' || line[0] > '5') {
        throw BenchError("malformed reply: " + line);
    }
    reply.code = std::stoi(line.substr(0, 3));
    if (line[3] == '-') {
        const std::string end = line.substr(0, 3) + " ";
        do {
            line = read_line();
            reply.text += line;
        } while (line.compare(0, 4, end) != 0);
    }
    return reply;
}

Reply FtpControl::command(std::string_view command) {
    send(command);
    return read_reply();
}

Reply FtpControl::expect(std::string_view command, int code) {
    Reply reply = this->command(command);
    if (reply.code != code) {
        throw BenchError(std::string(command.substr(0, command.find(' '))) + ": expected " + std::to_string(code) +
                         ", got " + reply.text);
    }
    return reply;
}

UniqueFd FtpControl::open_passive() {
    const Reply reply = expect("PASV", 227);
    const auto open = reply.text.find('(');
    unsigned h1 = 0, h2 = 0, h3 = 0, h4 = 0, p1 = 0, p2 = 0;
    if (open == std::string::npos ||
        std::sscanf(reply.text.c_str() + open, "(%u,%u,%u,%u,%u,%u)", &h1, &h2, &h3, &h4, &p1, &p2) != 6 ||
        p1 > 255 || p2 > 255) {
        throw BenchError("PASV reply: " + reply.text);
    }
    // The address in the reply is ignored: the benchmark only ever talks to 127.0.0.1.
    return connect_loopback(static_cast<std::uint16_t>(p1 * 256 + p2));
}

void FtpControl::quit() {
    const Reply reply = command("QUIT");
    if (reply.code != 221) {
        throw BenchError("QUIT: " + reply.text);
    }
    // Wait for the server to close first, so the TIME_WAIT lands on its side, not on our ephemeral ports.
    char byte = 0;
    while (::recv(fd_.get(), &byte, 1, 0) > 0) {
    }
    fd_.reset();
}

std::uint64_t drain(int fd) {
    thread_local std::vector<char> buffer(kDrainBuffer);
    std::uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n == 0) {
            return total;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("recv (data)");
        }
        total += static_cast<std::uint64_t>(n);
    }
}

std::string read_all(int fd) {
    std::string out;
    char chunk[1 << 16];
    for (;;) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n == 0) {
            return out;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("recv (listing)");
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
}

void send_file(int socket_fd, int file_fd, std::uint64_t bytes) {
    off_t offset = 0;
    while (static_cast<std::uint64_t>(offset) < bytes) {
        const std::uint64_t left = bytes - static_cast<std::uint64_t>(offset);
        const std::size_t chunk = left > (std::size_t{1} << 30) ? (std::size_t{1} << 30) : static_cast<std::size_t>(left);
        const ssize_t n = ::sendfile(socket_fd, file_fd, &offset, chunk);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("sendfile");
        }
        if (n == 0) {
            throw BenchError("sendfile: source file shorter than expected");
        }
    }
}

}  // namespace ward::bench
