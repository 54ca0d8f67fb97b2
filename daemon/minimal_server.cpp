#include "daemon/minimal_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <memory>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/command_line.hpp"

namespace ward::daemon {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class MinimalSession : public std::enable_shared_from_this<MinimalSession> {
public:
    explicit MinimalSession(tcp::socket socket) : socket_(std::move(socket)) {}

    void start(const std::string& server_name) {
        send(str_cat("220 ", server_name, " (wardftpd) ready\r\n"));
        read_more();
    }

private:
    void send(std::string text) {
        auto self = shared_from_this();
        auto buffer = std::make_shared<std::string>(std::move(text));
        asio::async_write(socket_, asio::buffer(*buffer), [self, buffer](boost::system::error_code, std::size_t) {});
    }

    void read_more() {
        auto self = shared_from_this();
        socket_.async_read_some(asio::buffer(buffer_), [self](boost::system::error_code ec, std::size_t n) {
            if (ec) {
                return;
            }
            self->reader_.feed(std::string_view(self->buffer_.data(), n));
            while (auto line = self->reader_.next()) {
                if (!self->answer(*line)) {
                    return;
                }
            }
            self->read_more();
        });
    }

    // Returns false when the session ends.
    bool answer(const ftp::CommandLine& line) {
        if (line.overlong) {
            send("500 Command line too long\r\n");
            return true;
        }
        const auto words = split_words(line.text);
        const std::string verb = words.empty() ? std::string() : to_upper(words.front());
        if (verb == "QUIT") {
            auto self = shared_from_this();
            auto buffer = std::make_shared<std::string>("221 Goodbye.\r\n");
            asio::async_write(socket_, asio::buffer(*buffer), [self, buffer](boost::system::error_code, std::size_t) {
                boost::system::error_code ignored;
                self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
            });
            return false;
        }
        if (verb == "NOOP") {
            send("200 NOOP command successful\r\n");
        } else if (verb.empty()) {
            send("500 Empty command\r\n");
        } else {
            send(str_cat("502 ", escape_for_log(verb), " not implemented in this build\r\n"));
        }
        return true;
    }

    tcp::socket socket_;
    std::array<char, 4096> buffer_{};
    ftp::CommandLineReader reader_;
};

void start_session(tcp::socket peer, const std::string& server_name) {
    const auto session = std::make_shared<MinimalSession>(std::move(peer));
    session->start(server_name);
}

void accept_next(tcp::acceptor& acceptor, const MinimalServerOptions& options) {
    acceptor.async_accept([&acceptor, &options](boost::system::error_code ec, tcp::socket peer) {
        if (!ec) {
            start_session(std::move(peer), options.server_name);
        }
        if (acceptor.is_open()) {
            accept_next(acceptor, options);
        }
    });
}

}  // namespace

int run_minimal_server(const MinimalServerOptions& options) {
    asio::io_context io;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.address, ec);
    if (ec) {
        log::error("bad address '", options.address, "': ", ec.message());
        return 1;
    }
    tcp::acceptor acceptor(io);
    const tcp::endpoint endpoint(address, options.port);
    if (acceptor.open(endpoint.protocol(), ec); !ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        log::error("cannot listen on ", options.address, ":", options.port, ": ", ec.message());
        return 1;
    }
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        io.stop();
    });
    accept_next(acceptor, options);
    log::notice("listening on ", options.address, ":", options.port);
    io.run();
    log::notice("shut down");
    return 0;
}

}  // namespace ward::daemon
