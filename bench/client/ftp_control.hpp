#pragma once
// A small blocking FTP client over raw loopback sockets, just enough for the benchmarks: one control
// connection, replies read through a buffer, passive data connections. Failures throw BenchError; the
// benchmark reports them, it never retries.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "base/unique_fd.hpp"

namespace ward::bench {

struct BenchError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Reply {
    int code = 0;
    std::string text;  // every line, CRLFs included
};

// A TCP connection to 127.0.0.1:port (TCP_NODELAY, blocking). Loopback only, by construction.
UniqueFd connect_loopback(std::uint16_t port);

class FtpControl {
public:
    explicit FtpControl(std::uint16_t port);

    // Reads the greeting, then USER/PASS; throws unless the server answers 230.
    void login(std::string_view user, std::string_view password);
    void send(std::string_view command);  // appends CRLF
    Reply read_reply();
    Reply command(std::string_view command);         // send + read_reply
    Reply expect(std::string_view command, int code);  // command, then throw unless the code matches
    // PASV, then connect to the port it names (always on 127.0.0.1).
    UniqueFd open_passive();
    // QUIT, the 221, and the server's close; ends with the socket closed.
    void quit();

    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    std::string read_line();

    UniqueFd fd_;
    std::string buffer_;
    std::size_t start_ = 0;
};

// Reads a data connection to EOF into a reused buffer; returns the byte count.
std::uint64_t drain(int fd);
// Reads a data connection to EOF, keeping the bytes (listings).
std::string read_all(int fd);
// Sends `bytes` of file `file_fd` from offset 0 with sendfile(2).
void send_file(int socket_fd, int file_fd, std::uint64_t bytes);

}  // namespace ward::bench
