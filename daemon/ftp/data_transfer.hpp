#pragma once
// Moves the bytes of one transfer over a connected data socket, driven by socket readiness:
//  - a file in binary mode with sendfile(2) (zero copy), a file in ASCII mode with LF -> CRLF,
//  - a prepared buffer (listings),
//  - the socket into a file (binary, or ASCII with CRLF -> LF).
// Each readiness callback moves up to kRoundBytes with plain non-blocking system calls before it waits
// again, so a fast transfer costs few callbacks and the control connection is still served in between.
// Buffers exist only while a transfer runs.
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/unique_fd.hpp"

namespace ward::ftp {

struct TransferResult {
    enum class Outcome : std::uint8_t { complete, failed, aborted, timeout } outcome = Outcome::complete;
    std::uint64_t bytes = 0;  // file bytes moved (before/after ASCII conversion: the file's side)
    int error = 0;            // errno of a failure
    bool file_error = false;  // the failure was on the file side (disk full), not the connection
    bool connected = true;    // false: the data connection never came up
    std::string reason;       // %{transfer-failure}
};

class DataTransfer : public std::enable_shared_from_this<DataTransfer> {
public:
    using tcp = boost::asio::ip::tcp;
    using Done = std::function<void(const TransferResult&)>;
    enum class Kind : std::uint8_t { send_file, send_buffer, receive_file };

    struct Spec {
        Kind kind = Kind::send_file;
        bool ascii = false;
        UniqueFd file;             // send_file: read from its offset; receive_file: written at its offset
        std::uint64_t offset = 0;  // send_file: where to start
        std::string buffer;        // send_buffer
    };

    DataTransfer(tcp::socket socket, Spec spec, Done done);
    DataTransfer(const DataTransfer&) = delete;
    DataTransfer& operator=(const DataTransfer&) = delete;
    ~DataTransfer();

    void start();
    // Closes the data connection now; `done` is not called afterwards.
    void abort() noexcept;
    [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

private:
    void wait(bool for_write);
    void run_round();
    // Each returns true while more work remains and the socket must be waited for.
    bool send_file_round(int& err, bool& finished);
    bool send_ascii_round(int& err, bool& finished);
    bool send_buffer_round(int& err, bool& finished);
    bool receive_round(int& err, bool& finished);
    bool send_pending(int& err);
    std::size_t crlf_to_lf(char* buf, std::size_t size, int& err);
    void finish(TransferResult::Outcome outcome, int err);

    tcp::socket socket_;
    Spec spec_;
    Done done_;
    std::unique_ptr<char[]> io_buffer_;
    std::string pending_;  // converted bytes not yet sent (ASCII)
    std::size_t pending_pos_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t file_pos_ = 0;
    bool last_was_cr_ = false;  // ASCII conversion state across rounds
    bool file_eof_ = false;
    bool file_error_ = false;
    bool finished_ = false;
};

}  // namespace ward::ftp
