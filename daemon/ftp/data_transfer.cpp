#include "daemon/ftp/data_transfer.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "base/sys.hpp"

namespace ward::ftp {
namespace {

constexpr std::size_t kRoundBytes = 16U << 20U;       // per readiness callback
constexpr std::size_t kSendfileChunk = 4U << 20U;
constexpr std::size_t kReceiveBufferBytes = 256U << 10U;
constexpr std::size_t kAsciiChunk = 64U << 10U;

bool would_block(int err) noexcept { return err == EAGAIN || err == EWOULDBLOCK; }

// 0 or errno; a short write is retried (a full disk ends it with ENOSPC).
int write_file(int fd, const char* data, std::size_t size) noexcept {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

}  // namespace

DataTransfer::DataTransfer(tcp::socket socket, Spec spec, Done done)
    : socket_(std::move(socket)), spec_(std::move(spec)), done_(std::move(done)), file_pos_(spec_.offset) {}

DataTransfer::~DataTransfer() { abort(); }

void DataTransfer::start() {
    boost::system::error_code ec;
    socket_.native_non_blocking(true, ec);
    if (ec) {
        finish(TransferResult::Outcome::failed, ec.value());
        return;
    }
    if (spec_.kind != Kind::receive_file) {
        // Corked, full segments still leave at once and the last partial one leaves with the FIN at shutdown:
        // a client that reads the data and then asks once, without waiting, whether the connection has ended
        // (Net::FTP's close) sees the end and does not send ABOR for a transfer that is complete.
        const int on = 1;
        (void)::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &on, sizeof on);
    }
    if (spec_.kind == Kind::receive_file) {
        io_buffer_ = std::make_unique<char[]>(kReceiveBufferBytes);
    } else if (spec_.kind == Kind::send_file && spec_.ascii) {
        io_buffer_ = std::make_unique<char[]>(kAsciiChunk);
    }
    run_round();
}

void DataTransfer::abort() noexcept {
    finished_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
}

void DataTransfer::wait(bool for_write) {
    auto self = shared_from_this();
    socket_.async_wait(for_write ? tcp::socket::wait_write : tcp::socket::wait_read,
                       [self](boost::system::error_code ec) {
                           if (self->finished_) {
                               return;
                           }
                           if (ec) {
                               self->finish(TransferResult::Outcome::failed, ec.value());
                               return;
                           }
                           self->run_round();
                       });
}

void DataTransfer::run_round() {
    int err = 0;
    bool finished = false;
    bool more = false;
    try {
        switch (spec_.kind) {
            case Kind::send_file:
                more = spec_.ascii ? send_ascii_round(err, finished) : send_file_round(err, finished);
                break;
            case Kind::send_buffer: more = send_buffer_round(err, finished); break;
            case Kind::receive_file: more = receive_round(err, finished); break;
        }
    } catch (...) {
        err = ENOMEM;
    }
    if (err != 0) {
        finish(TransferResult::Outcome::failed, err);
    } else if (finished) {
        finish(TransferResult::Outcome::complete, 0);
    } else if (more) {
        wait(spec_.kind != Kind::receive_file);
    }
}

bool DataTransfer::send_file_round(int& err, bool& finished) {
    std::size_t moved = 0;
    while (moved < kRoundBytes) {
        auto offset = static_cast<off_t>(file_pos_);
        const ssize_t n = ::sendfile(socket_.native_handle(), spec_.file.get(), &offset, kSendfileChunk);
        if (n > 0) {
            file_pos_ += static_cast<std::uint64_t>(n);
            bytes_ += static_cast<std::uint64_t>(n);
            moved += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) {
            finished = true;
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        if (!would_block(errno)) {
            err = errno;
        }
        return err == 0;
    }
    return true;
}

bool DataTransfer::send_pending(int& err) {
    while (pending_pos_ < pending_.size()) {
        const ssize_t n = ::send(socket_.native_handle(), pending_.data() + pending_pos_,
                                 pending_.size() - pending_pos_, MSG_NOSIGNAL);
        if (n > 0) {
            pending_pos_ += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && !would_block(errno)) {
            err = errno;
        }
        return false;
    }
    pending_.clear();
    pending_pos_ = 0;
    return true;
}

bool DataTransfer::send_ascii_round(int& err, bool& finished) {
    std::size_t moved = 0;
    while (moved < kRoundBytes) {
        if (!send_pending(err)) {
            return err == 0;
        }
        if (file_eof_) {
            finished = true;
            return false;
        }
        const ssize_t n = ::pread(spec_.file.get(), io_buffer_.get(), kAsciiChunk, static_cast<off_t>(file_pos_));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = errno;
            file_error_ = true;
            return false;
        }
        if (n == 0) {
            file_eof_ = true;
            continue;
        }
        file_pos_ += static_cast<std::uint64_t>(n);
        bytes_ += static_cast<std::uint64_t>(n);
        moved += static_cast<std::size_t>(n);
        pending_.reserve(static_cast<std::size_t>(n) * 2);
        for (ssize_t i = 0; i < n; ++i) {
            const char c = io_buffer_[static_cast<std::size_t>(i)];
            if (c == '\n' && !last_was_cr_) {
                pending_ += '\r';  // LF -> CRLF; a CRLF already in the file stays as it is
            }
            pending_ += c;
            last_was_cr_ = c == '\r';
        }
    }
    return true;
}

bool DataTransfer::send_buffer_round(int& err, bool& finished) {
    if (pending_.empty() && !spec_.buffer.empty()) {
        pending_ = std::move(spec_.buffer);
        spec_.buffer.clear();
        bytes_ = pending_.size();
    }
    if (!send_pending(err)) {
        return err == 0;
    }
    finished = true;
    return false;
}

bool DataTransfer::receive_round(int& err, bool& finished) {
    std::size_t moved = 0;
    char* const buf = io_buffer_.get();
    while (moved < kRoundBytes) {
        const ssize_t n = ::recv(socket_.native_handle(), buf, kReceiveBufferBytes, 0);
        if (n == 0) {
            if (spec_.ascii && last_was_cr_) {
                if ((err = write_file(spec_.file.get(), "\r", 1)) != 0) {
                    file_error_ = true;
                    return false;
                }
                ++bytes_;
            }
            finished = true;
            return false;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (!would_block(errno)) {
                err = errno;
            }
            return err == 0;
        }
        moved += static_cast<std::size_t>(n);
        std::size_t out = static_cast<std::size_t>(n);
        if (spec_.ascii) {
            out = crlf_to_lf(buf, out, err);
            if (err != 0) {
                return false;
            }
        }
        if (out > 0) {
            if ((err = write_file(spec_.file.get(), buf, out)) != 0) {
                file_error_ = true;
                return false;
            }
        }
        bytes_ += out;
    }
    return true;
}

std::size_t DataTransfer::crlf_to_lf(char* buf, std::size_t size, int& err) {
    // A CR held back at the end of the previous read was data unless this read starts with LF.
    if (last_was_cr_ && size > 0 && buf[0] != '\n') {
        if ((err = write_file(spec_.file.get(), "\r", 1)) != 0) {
            file_error_ = true;
            return 0;
        }
        ++bytes_;
    }
    last_was_cr_ = false;
    std::size_t w = 0;
    for (std::size_t i = 0; i < size; ++i) {
        if (buf[i] == '\r') {
            if (i + 1 == size) {
                last_was_cr_ = true;
                continue;
            }
            if (buf[i + 1] == '\n') {
                continue;
            }
        }
        buf[w++] = buf[i];
    }
    return w;
}

void DataTransfer::finish(TransferResult::Outcome outcome, int err) {
    if (finished_) {
        return;
    }
    finished_ = true;
    boost::system::error_code ignored;
    if (outcome == TransferResult::Outcome::complete && spec_.kind != Kind::receive_file) {
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    socket_.close(ignored);
    io_buffer_.reset();
    pending_.clear();
    pending_.shrink_to_fit();
    TransferResult result;
    result.outcome = outcome;
    result.bytes = bytes_;
    result.error = err;
    result.file_error = file_error_;
    if (err != 0) {
        result.reason = sys::errno_name(err);
    }
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
        done(result);
    }
}

}  // namespace ward::ftp
