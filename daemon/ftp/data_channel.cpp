#include "daemon/ftp/data_channel.hpp"

#include <sys/random.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>

#include <chrono>

#include "base/log.hpp"
#include "daemon/ftp/session_host.hpp"

namespace ward::ftp {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::uint32_t random_u32() noexcept {
    std::uint32_t value = 0;
    if (::getrandom(&value, sizeof value, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof value)) {
        // No entropy yet (very early boot): the clock still spreads sessions over the range.
        value = static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    return value;
}

}  // namespace

asio::ip::address unmapped(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

boost::system::error_code DataChannel::listen(const asio::ip::address& local, const asio::ip::address& peer,
                                              const std::optional<PortRange>& range, std::uint16_t& port) {
    close();
    const auto bind_address = unmapped(local);
    boost::system::error_code ec;
    const auto try_port = [&](std::uint16_t candidate) {
        boost::system::error_code err;
        tcp::acceptor acceptor(io_);
        const tcp::endpoint endpoint(bind_address, candidate);
        acceptor.open(endpoint.protocol(), err);
        if (!err) {
            // Ports of earlier transfers linger in TIME_WAIT; without this a busy session runs out of
            // PassivePorts after about one range's worth of transfers (found by bench/).
            acceptor.set_option(tcp::acceptor::reuse_address(true), err);
        }
        if (!err) {
            acceptor.bind(endpoint, err);
        }
        if (!err) {
            acceptor.listen(1, err);
        }
        if (!err) {
            acceptor_ = std::move(acceptor);
        }
        return err;
    };
    ec = asio::error::address_in_use;
    if (range && range->first != 0 && range->first <= range->last) {
        // A random start inside the range, then every port once, as ProFTPD's PassivePorts does.
        const std::uint32_t count = std::uint32_t{range->last} - range->first + 1;
        const std::uint32_t start = random_u32() % count;
        for (std::uint32_t i = 0; i < count && ec; ++i) {
            ec = try_port(static_cast<std::uint16_t>(range->first + (start + i) % count));
            if (ec && ec != asio::error::address_in_use && ec != asio::error::access_denied) {
                break;
            }
        }
        if (ec) {
            log::warning("PassivePorts ", range->first, "-", range->last, " exhausted (", ec.message(),
                         "); using a kernel-chosen port");
        }
    }
    if (ec) {
        ec = try_port(0);
    }
    if (ec) {
        return ec;
    }
    port = acceptor_.local_endpoint(ec).port();
    if (ec) {
        return ec;
    }
    peer_ = unmapped(peer);
    mode_ = Mode::passive;
    accept_next();
    return {};
}

void DataChannel::accept_next() {
    accept_pending_ = true;
    const unsigned generation = generation_;
    acceptor_.async_accept([this, generation](boost::system::error_code ec, tcp::socket socket) {
        if (generation != generation_) {
            return;
        }
        accept_pending_ = false;
        if (!ec) {
            boost::system::error_code err;
            const auto remote = socket.remote_endpoint(err);
            if (err || unmapped(remote.address()) != peer_) {
                // Only the client that asked for PASV may connect (no data-connection theft).
                log::warning("refused a passive data connection from ",
                             err ? std::string("?") : remote.address().to_string(), " (control peer ",
                             peer_.to_string(), ")");
                socket.close(err);
                accept_next();
                return;
            }
            remote_port_ = remote.port();
            acceptor_.close(err);
        }
        deliver(ec, std::move(socket));
    });
}

void DataChannel::deliver(boost::system::error_code ec, tcp::socket socket) {
    if (done_) {
        auto done = std::move(done_);
        done_ = nullptr;
        done(ec, std::move(socket));
        return;
    }
    if (!ec) {
        accepted_ = std::move(socket);
    }
}

void DataChannel::post_failure(boost::system::error_code ec) {
    asio::post(io_, [this, ec, generation = generation_]() {
        if (generation == generation_) {
            deliver(ec, tcp::socket(io_));
        }
    });
}

void DataChannel::set_active(const tcp::endpoint& target, const tcp::endpoint& local_control) {
    close();
    target_ = tcp::endpoint(unmapped(target.address()), target.port());
    local_control_ = local_control;
    mode_ = Mode::active;
}

void DataChannel::open(SessionHost& host, Handler done) {
    done_ = std::move(done);
    if (mode_ == Mode::passive) {
        if (accepted_.is_open()) {
            asio::post(io_, [this, generation = generation_]() {
                if (generation == generation_) {
                    deliver({}, std::move(accepted_));
                }
            });
        } else if (!accept_pending_) {
            post_failure(asio::error::not_connected);
        }
        return;
    }
    if (mode_ != Mode::active) {
        post_failure(asio::error::not_connected);
        return;
    }
    boost::system::error_code ec;
    const auto local_address = unmapped(local_control_.address());
    const std::uint16_t control_port = local_control_.port();
    tcp::socket socket(io_);
    remote_port_ = target_.port();
    if (control_port > 0 && control_port - 1 < 1024 && local_address.is_v4() == target_.address().is_v4()) {
        // ProFTPD's L-1: data from the port below a privileged control port, connected by the monitor.
        auto fd = host.privileged_data_connection(static_cast<std::uint16_t>(control_port - 1),
                                                  target_.address().to_string(), target_.port());
        if (!fd) {
            log::warning("no privileged data connection: ", fd.error().message);
            post_failure(asio::error::connection_refused);
            return;
        }
        socket.assign(target_.address().is_v4() ? tcp::v4() : tcp::v6(), fd->release(), ec);
        if (ec) {
            post_failure(ec);
            return;
        }
        connecting_ = std::move(socket);
        asio::post(io_, [this, generation = generation_]() {
            if (generation == generation_) {
                deliver({}, std::move(connecting_));
            }
        });
        return;
    }
    socket.open(target_.address().is_v4() ? tcp::v4() : tcp::v6(), ec);
    if (!ec && local_address.is_v4() == target_.address().is_v4()) {
        socket.bind(tcp::endpoint(local_address, 0), ec);
    }
    if (ec) {
        post_failure(ec);
        return;
    }
    connecting_ = std::move(socket);
    connecting_.async_connect(target_, [this, generation = generation_](boost::system::error_code err) {
        if (generation != generation_) {
            return;
        }
        deliver(err, std::move(connecting_));
    });
}

void DataChannel::close() noexcept {
    ++generation_;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accepted_.close(ignored);
    connecting_.close(ignored);
    done_ = nullptr;
    accept_pending_ = false;
    mode_ = Mode::none;
}

}  // namespace ward::ftp
