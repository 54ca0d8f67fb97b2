#include "daemon/tls/control_relay.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

namespace ward::tls {

namespace asio = boost::asio;

ControlRelay::ControlRelay(TlsStream& client, Plain plain) : client_(client), plain_(std::move(plain)) {}

void ControlRelay::start(Done done) {
    done_ = std::move(done);
    read_client();
    read_plain();
}

// Client -> post-auth worker: decrypted bytes, as they come.
void ControlRelay::read_client() {
    client_.async_read_some(asio::buffer(from_client_), [this](boost::system::error_code ec, std::size_t n) {
        if (ec) {
            boost::system::error_code ignored;
            plain_.shutdown(Plain::shutdown_send, ignored);  // the worker sees EOF, as on a plain connection
            finish(ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ? "client closed"
                                                                                      : "client connection failed");
            return;
        }
        asio::async_write(plain_, asio::buffer(from_client_.data(), n), [this](boost::system::error_code wec, std::size_t) {
            if (wec) {
                finish("post-auth worker gone");
                return;
            }
            read_client();
        });
    });
}

// Post-auth worker -> client: encrypted; the worker's EOF becomes a close_notify.
void ControlRelay::read_plain() {
    plain_.async_read_some(asio::buffer(from_plain_), [this](boost::system::error_code ec, std::size_t n) {
        if (ec) {
            // The worker ended the session: stop reading the client, send close_notify, wait for the client's.
            if (reason_.empty()) {
                reason_ = "session ended";
            }
            boost::system::error_code ignored;
            client_.next_layer().cancel(ignored);
            client_.async_shutdown([this](boost::system::error_code) {
                boost::system::error_code unused;
                client_.next_layer().close(unused);
                finish("session ended");
            });
            return;
        }
        asio::async_write(client_, asio::buffer(from_plain_.data(), n), [this](boost::system::error_code wec, std::size_t) {
            if (wec) {
                finish("client connection failed");
                return;
            }
            read_plain();
        });
    });
}

void ControlRelay::finish(std::string_view reason) {
    if (reason_.empty()) {
        reason_ = reason;
    }
    if (--open_directions_ == 0 && done_) {
        auto done = std::move(done_);
        done(reason_);
    }
}

}  // namespace ward::tls
