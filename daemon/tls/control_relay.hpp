#pragma once
// The control connection's TLS after login. This kernel has no `tls` ULP, so the TLS state cannot move with
// the socket to the post-auth worker; the pre-auth worker stays, confined, as this relay: it decrypts what
// the client sends and writes it to a socketpair whose other end is the post-auth worker's control
// connection, and encrypts the way back. The post-auth worker never holds the control connection's keys or
// the certificate's key; the client sees one unbroken TLS session.
//
//   ControlRelay relay(std::move(tls_stream), std::move(plain_end));
//   relay.start([](std::string_view why) { ... });   // called once, when both directions have ended
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace ward::tls {

class ControlRelay {
public:
    using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;
    using Plain = boost::asio::local::stream_protocol::socket;
    using Done = std::function<void(std::string_view reason)>;

    ControlRelay(TlsStream& client, Plain plain);
    ControlRelay(const ControlRelay&) = delete;
    ControlRelay& operator=(const ControlRelay&) = delete;
    ControlRelay(ControlRelay&&) = delete;
    ControlRelay& operator=(ControlRelay&&) = delete;
    ~ControlRelay() = default;

    void start(Done done);

private:
    void read_client();
    void read_plain();
    void finish(std::string_view reason);

    TlsStream& client_;
    Plain plain_;
    Done done_;
    std::array<char, 16384> from_client_{};
    std::array<char, 16384> from_plain_{};
    int open_directions_ = 2;
    std::string reason_;
};

}  // namespace ward::tls
