#include "daemon/ipc/messages.hpp"

#include <gtest/gtest.h>

#include "daemon/ipc/wire.hpp"

namespace ward::ipc {
namespace {

Message round_trip(const Message& m) {
    const auto bytes = encode(m);
    EXPECT_TRUE(bytes) << (bytes ? "" : bytes.error().message);
    auto back = decode(*bytes);
    EXPECT_TRUE(back) << (back ? "" : back.error().message);
    return *back;
}

TEST(IpcMessages, EveryTypeRoundTrips) {
    exec::CommandEvent event;
    event.command = "STOR";
    event.arguments = "a b;$(touch x)%u.txt";
    event.command_line = "STOR a b;$(touch x)%u.txt";
    event.path = "/up/a b;$(touch x)%u.txt";
    event.cwd = "/up";
    event.reply_code = 226;
    event.reply_text = "Transfer complete";
    event.bytes = 5ULL << 32;
    event.file_size = 42;
    event.transfer_status = exec::TransferStatus::success;
    const std::vector<Message> all = {
        AuthRequest{"alice", "s3cret"},
        HandoverRequest{ftp::HandoverState{"TYPE I\r\n", true, true, 10, 20, {"hello from a hook"}}},
        HookRequest{exec::HookPoint::on_command, event},
        DataSocketRequest{20, "192.0.2.7", 40000},
        SessionEnd{"QUIT"},
        AuthAnswer{ftp::LoginResult::Status::ok, ""},
        HookAnswer{{"line one", "line two"}},
        DataSocketAnswer{false, "bind: Address in use"},
        LoginCountRequest{"ftp", "anonymous"},
        LoginCountAnswer{false, "MaxClientsPerUser", "Sorry, the maximum number of clients (1) for this user are "
                                                     "already connected."},
        SignatureRequest{tls::SignRequest{tls::SignScheme::rsa_pss_block, std::string(256, '\xbc')}},
        SignatureAnswer{std::string(72, '\x30')},
        KeyClient{},
        KeyStatus{false, "key /etc/k.pem does not belong to certificate /etc/c.pem"},
        ProxiedClient{"2001:db8::7", 50123},
        ProxiedClientAnswer{false, "MaxClientsPerHost", "Sorry, the maximum number of clients (1) from your host "
                                                        "are already connected."},
        LogRecord{LogRecord::Kind::system, log::Level::notice, "RETR /a: 1 byte\nforged\x1b"},
        LogRecord{LogRecord::Kind::transfer, log::Level::info, "Thu Jan  1 00:00:01 2026 1 127.0.0.1 1 /a b _ o r a ftp 0 * c"},
        SessionEvent{SessionEvent::Kind::hook_timeout, 3},
        WorkerActivity{"RETR big file.bin", 1048576, 10485760, true},
        SessionActivity{WorkerActivity{"NOOP", 0, 0, false}},
        SessionEvent{SessionEvent::Kind::upload_bytes, 5ULL << 32},
        TransferReport{true, exec::TransferStatus::cancelled, 5ULL << 32},
    };
    static_assert(std::variant_size_v<Message> == 21, "a new message type belongs in this list");
    for (const auto& m : all) {
        EXPECT_TRUE(round_trip(m) == m) << type_name(type_of(m));
    }
}

TEST(IpcMessages, SessionEventsOfAnUnknownKindAreRefused) {
    auto bytes = *encode(SessionEvent{SessionEvent::Kind::login_failed, 1});
    bytes[kHeaderBytes] = static_cast<char>(SessionEvent::Kind::upload_bytes) + 1;  // one past the last kind
    const auto decoded = decode(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().message.find("kind"), std::string::npos) << decoded.error().message;
}

TEST(IpcMessages, TransferReportsWithoutAFinishedStatusAreRefused) {
    for (const auto status : {exec::TransferStatus::none, static_cast<exec::TransferStatus>(5)}) {
        auto bytes = *encode(TransferReport{false, exec::TransferStatus::success, 12});
        bytes[kHeaderBytes + 1] = static_cast<char>(status);  // after the incoming flag
        const auto decoded = decode(bytes);
        ASSERT_FALSE(decoded);
        EXPECT_EQ(decoded.error().message, "transfer_report: bad field 'status'");
    }
}

TEST(IpcMessages, SignatureRequestsOfAnUnknownSchemeOrTooLargeAreRefused) {
    auto bytes = *encode(SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest, std::string(32, 'd')}});
    bytes[kHeaderBytes] = 9;  // the scheme byte
    const auto decoded = decode(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message, "signature_request: bad field 'scheme'");
    EXPECT_FALSE(encode(SignatureRequest{tls::SignRequest{tls::SignScheme::ecdsa_digest,
                                                          std::string(tls::kMaxSignInput + 1, 'd')}}));
}

TEST(IpcMessages, RejectsWrongVersion) {
    auto bytes = *encode(SessionEnd{"x"});
    bytes[0] = 2;
    const auto decoded = decode(bytes);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message, "protocol version 2, expected 1");
}

TEST(IpcMessages, RejectsLengthMismatchAndTrailingBytes) {
    auto bytes = *encode(SessionEnd{"x"});
    EXPECT_FALSE(decode(bytes.substr(0, bytes.size() - 1)));
    // A consistent header over a body with an extra byte: the decoder notices the byte left over.
    MessageWriter w(static_cast<std::uint8_t>(MessageType::data_socket_request));
    w.u16(20);
    w.bytes("127.0.0.1");
    w.u16(40000);
    w.u8(0);
    const auto decoded = decode(std::move(w).finish());
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message, "data_socket_request: trailing bytes");
}

TEST(IpcMessages, RejectsUnknownTypeAndBadEnums) {
    MessageWriter unknown(200);
    EXPECT_EQ(decode(std::move(unknown).finish()).error().message, "unknown message type 200");

    MessageWriter exit_hook(static_cast<std::uint8_t>(MessageType::hook_request));
    exit_hook.u8(static_cast<std::uint8_t>(exec::HookPoint::on_exit));
    const auto decoded = decode(std::move(exit_hook).finish());
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message, "hook_request: bad field 'point'");
}

TEST(IpcMessages, OversizedFieldsAreRefusedBothWays) {
    const auto too_long = encode(AuthRequest{std::string(Limits::user + 1, 'u'), "p"});
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().message, "auth_request: field 'user' over its limit");

    MessageWriter w(static_cast<std::uint8_t>(MessageType::auth_request));
    w.bytes(std::string(Limits::user + 1, 'u'));
    w.bytes("p");
    EXPECT_EQ(decode(std::move(w).finish()).error().message, "auth_request: bad field 'user'");
}

TEST(IpcMessages, LengthPrefixPastTheEndIsRefused) {
    MessageWriter w(static_cast<std::uint8_t>(MessageType::session_end));
    w.u32(0xfffffff0U);  // claims a huge field
    EXPECT_EQ(decode(std::move(w).finish()).error().message, "session_end: bad field 'reason'");
}

TEST(IpcMessages, LogRecordKindLevelAndLengthAreChecked) {
    const auto with = [](std::uint8_t kind, std::uint8_t level, std::size_t length) {
        MessageWriter w(static_cast<std::uint8_t>(MessageType::log_record));
        w.u8(kind);
        w.u8(level);
        w.bytes(std::string(length, 'x'));
        return decode(std::move(w).finish());
    };
    EXPECT_TRUE(with(1, 4, Limits::log_text));
    EXPECT_EQ(with(2, 2, 1).error().message, "log_record: bad field 'kind'");
    EXPECT_EQ(with(0, 5, 1).error().message, "log_record: bad field 'level'");
    EXPECT_EQ(with(0, 2, Limits::log_text + 1).error().message, "log_record: bad field 'text'");
}

}  // namespace
}  // namespace ward::ipc
