#pragma once
// The data connection of one FTP session: a passive listener (PASV/EPSV) that accepts only the control
// connection's peer, or an active connection (PORT/EPRT) to an address the session already checked.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <optional>

#include "daemon/ftp/session_settings.hpp"

namespace ward::ftp {

class SessionHost;

class DataChannel {
public:
    using tcp = boost::asio::ip::tcp;
    using Handler = std::function<void(boost::system::error_code, tcp::socket)>;

    explicit DataChannel(boost::asio::io_context& io) : io_(io), acceptor_(io), accepted_(io), connecting_(io) {}

    // PASV/EPSV: listens on `local` (the control connection's local address) at a random port of `range`
    // (or an ephemeral one), accepting only `peer`. Replaces any earlier setup.
    boost::system::error_code listen(const boost::asio::ip::address& local, const boost::asio::ip::address& peer,
                                     const std::optional<PortRange>& range, std::uint16_t& port);
    // PORT/EPRT: the target (already checked against the control peer) and the control connection's local
    // endpoint, whose port decides between an ephemeral source port and control port - 1 (ProFTPD's L-1).
    void set_active(const tcp::endpoint& target, const tcp::endpoint& local_control);

    [[nodiscard]] bool configured() const noexcept { return mode_ != Mode::none; }
    [[nodiscard]] bool passive() const noexcept { return mode_ == Mode::passive; }
    [[nodiscard]] std::uint16_t remote_port() const noexcept { return remote_port_; }

    // Delivers the connected socket once (accepted or connected). The handler is dropped, never called,
    // if close() comes first.
    void open(SessionHost& host, Handler done);
    // Forgets the setup and any connection in progress.
    void close() noexcept;

private:
    enum class Mode : std::uint8_t { none, passive, active };
    void accept_next();
    void deliver(boost::system::error_code ec, tcp::socket socket);
    void post_failure(boost::system::error_code ec);

    boost::asio::io_context& io_;
    Mode mode_ = Mode::none;
    tcp::acceptor acceptor_;
    tcp::socket accepted_;
    tcp::socket connecting_;
    boost::asio::ip::address peer_;
    tcp::endpoint target_;
    tcp::endpoint local_control_;
    Handler done_;
    std::uint16_t remote_port_ = 0;
    bool accept_pending_ = false;
    unsigned generation_ = 0;  // completions of an older setup are ignored
};

// v4-mapped IPv6 addresses compare and print as IPv4.
[[nodiscard]] boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

}  // namespace ward::ftp
