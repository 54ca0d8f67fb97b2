// The control relay between a real TLS client on loopback and a plain socketpair (the post-auth worker's side):
// bytes pass both ways unchanged, the worker's EOF becomes the client's close_notify, the server's handshake
// signs through the key holder.
#include "daemon/tls/control_relay.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "daemon/monitor/key_signer.hpp"
#include "daemon/tls/remote_key.hpp"
#include "daemon/tls/server_context.hpp"
#include "tests/daemon/tls_test_keys.hpp"

namespace ward {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace fs = std::filesystem;

TEST(ControlRelay, PassesBothWaysAndTurnsTheWorkersEofIntoCloseNotify) {
    const fs::path dir = fs::temp_directory_path() / ("ward-tls-relay-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto files = testing::write_cert_and_key(dir, "EC", "server");
    auto signer = monitor::KeySigner::load(files.certificate, files.key);
    ASSERT_TRUE(signer.has_value()) << signer.error().message;
    int signatures = 0;
    const tls::Signer sign = [&](const tls::SignRequest& request) {
        ++signatures;
        return signer->sign(request);
    };
    auto key = tls::remote_key(signer->certificate(), sign);
    ASSERT_TRUE(key.has_value());
    auto server_ctx = tls::make_server_context(signer->certificate(), key->get(), tls::ServerSettings{});
    ASSERT_TRUE(server_ctx.has_value()) << server_ctx.error().message;
    ASSERT_EQ(SSL_CTX_up_ref(server_ctx->get()), 1);  // Asio's context owns one reference, server_ctx the other
    asio::ssl::context server_context(server_ctx->get());
    asio::ssl::context client_context(asio::ssl::context::tls_client);

    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    tcp::socket server_socket(io);
    tls::ControlRelay::TlsStream server(server_socket, server_context);
    asio::ssl::stream<tcp::socket> client(io, client_context);
    asio::local::stream_protocol::socket worker(io);
    asio::local::stream_protocol::socket relay_end(io);
    asio::local::connect_pair(worker, relay_end);

    std::optional<tls::ControlRelay> relay;
    std::string relay_reason;
    std::string worker_got;
    std::string client_got;
    boost::system::error_code client_end;
    asio::streambuf worker_buffer;
    asio::streambuf client_buffer;

    acceptor.async_accept(server.next_layer(), [&](boost::system::error_code ec) {
        ASSERT_FALSE(ec);
        server.async_handshake(asio::ssl::stream_base::server, [&](boost::system::error_code hec) {
            ASSERT_FALSE(hec) << hec.message();
            relay.emplace(server, std::move(relay_end));
            relay->start([&](std::string_view why) { relay_reason = why; });
        });
    });
    client.next_layer().async_connect(acceptor.local_endpoint(), [&](boost::system::error_code ec) {
        ASSERT_FALSE(ec);
        client.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code hec) {
            ASSERT_FALSE(hec) << hec.message();
            static const std::string kUser = "USER alice\r\n";
            asio::async_write(client, asio::buffer(kUser), [&](boost::system::error_code, std::size_t) {});
        });
    });
    // The worker reads the command in plain text, answers, and ends the session (closes its end).
    asio::async_read_until(worker, worker_buffer, "\r\n", [&](boost::system::error_code ec, std::size_t n) {
        ASSERT_FALSE(ec);
        worker_got.assign(asio::buffers_begin(worker_buffer.data()), asio::buffers_begin(worker_buffer.data()) + static_cast<std::ptrdiff_t>(n));
        static const std::string kReply = "331 Password required for alice\r\n";
        asio::async_write(worker, asio::buffer(kReply), [&](boost::system::error_code, std::size_t) {
            worker.close();
        });
        asio::async_read_until(client, client_buffer, "\r\n", [&](boost::system::error_code cec, std::size_t m) {
            ASSERT_FALSE(cec);
            client_got.assign(asio::buffers_begin(client_buffer.data()), asio::buffers_begin(client_buffer.data()) + static_cast<std::ptrdiff_t>(m));
            client_buffer.consume(m);
            asio::async_read_until(client, client_buffer, "\r\n", [&](boost::system::error_code eec, std::size_t) {
                client_end = eec;
                client.async_shutdown([&](boost::system::error_code) { client.next_layer().close(); });
            });
        });
    });
    io.run_for(std::chrono::seconds(20));

    EXPECT_EQ(worker_got, "USER alice\r\n");
    EXPECT_EQ(client_got, "331 Password required for alice\r\n");
    EXPECT_EQ(client_end, asio::error::eof);  // a close_notify, not a truncation
    EXPECT_EQ(relay_reason, "session ended");
    EXPECT_EQ(signatures, 1);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace ward
