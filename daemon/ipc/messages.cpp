#include "daemon/ipc/messages.hpp"

#include "base/strings.hpp"
#include "daemon/ipc/wire.hpp"

namespace ward::ipc {
namespace {

using exec::CommandEvent;
using exec::HookPoint;
using exec::TransferStatus;

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

struct FieldTooLong {
    const char* field;
};

void put(MessageWriter& w, std::string_view value, std::size_t limit, const char* field) {
    if (value.size() > limit) {
        throw FieldTooLong{field};
    }
    w.bytes(value);
}

void put_lines(MessageWriter& w, const std::vector<std::string>& lines) {
    if (lines.size() > Limits::hook_lines) {
        throw FieldTooLong{"lines"};
    }
    w.u16(static_cast<std::uint16_t>(lines.size()));
    for (const auto& line : lines) {
        put(w, line, Limits::hook_line, "line");
    }
}

void put_activity(MessageWriter& w, const WorkerActivity& a) {
    put(w, a.command, Limits::activity_command, "command");
    w.u64(a.bytes);
    w.u64(a.size);
    w.boolean(a.transferring);
}

void put_event(MessageWriter& w, const CommandEvent& e) {
    put(w, e.command, Limits::verb, "command");
    put(w, e.arguments, Limits::command_line, "arguments");
    put(w, e.command_line, Limits::command_line, "command_line");
    put(w, e.path, Limits::path, "path");
    put(w, e.rename_from, Limits::path, "rename_from");
    put(w, e.cwd, Limits::path, "cwd");
    w.u16(static_cast<std::uint16_t>(e.reply_code));
    put(w, e.reply_text, Limits::reply_text, "reply_text");
    w.u64(e.bytes);
    w.u64(e.file_offset);
    w.boolean(e.file_size.has_value());
    w.u64(e.file_size.value_or(0));
    w.boolean(e.file_existed);
    w.u64(e.transfer_millis);
    w.u8(static_cast<std::uint8_t>(e.transfer_status));
    put(w, e.transfer_failure, Limits::reason, "transfer_failure");
    w.boolean(e.transfer_binary);
    w.u16(e.transfer_port);
    w.u64(e.session_bytes_in);
    w.u64(e.session_bytes_out);
    w.u64(e.response_millis);
}

// Decoding: each step either fills the field or records the first failure.
class Decoder {
public:
    explicit Decoder(std::string_view body) : reader_(body) {}

    void text(std::string& out, std::size_t limit, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        const auto value = reader_.bytes(limit);
        if (!value) {
            failed_ = field;
            return;
        }
        out.assign(*value);
    }
    template <class T>
    void number(T& out, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        std::optional<T> value;
        if constexpr (sizeof(T) == 1) {
            value = reader_.u8();
        } else if constexpr (sizeof(T) == 2) {
            value = reader_.u16();
        } else if constexpr (sizeof(T) == 4) {
            value = reader_.u32();
        } else {
            value = reader_.u64();
        }
        if (!value) {
            failed_ = field;
            return;
        }
        out = *value;
    }
    void flag(bool& out, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        const auto value = reader_.boolean();
        if (!value) {
            failed_ = field;
            return;
        }
        out = *value;
    }
    void fail(const char* field) {
        if (failed_ == nullptr) {
            failed_ = field;
        }
    }
    [[nodiscard]] Result<void> finish(MessageType type) const {
        if (failed_ != nullptr) {
            return Error{str_cat(type_name(type), ": bad field '", failed_, "'")};
        }
        if (!reader_.at_end()) {
            return Error{str_cat(type_name(type), ": trailing bytes")};
        }
        return {};
    }

private:
    MessageReader reader_;
    const char* failed_ = nullptr;
};

void get_lines(Decoder& d, std::vector<std::string>& lines) {
    std::uint16_t count = 0;
    d.number(count, "line count");
    if (count > Limits::hook_lines) {
        d.fail("line count");
        count = 0;
    }
    lines.resize(count);
    for (auto& line : lines) {
        d.text(line, Limits::hook_line, "line");
    }
}

void get_activity(Decoder& d, WorkerActivity& a) {
    d.text(a.command, Limits::activity_command, "command");
    d.number(a.bytes, "bytes");
    d.number(a.size, "size");
    d.flag(a.transferring, "transferring");
}

void get_event(Decoder& d, CommandEvent& e) {
    d.text(e.command, Limits::verb, "command");
    d.text(e.arguments, Limits::command_line, "arguments");
    d.text(e.command_line, Limits::command_line, "command_line");
    d.text(e.path, Limits::path, "path");
    d.text(e.rename_from, Limits::path, "rename_from");
    d.text(e.cwd, Limits::path, "cwd");
    std::uint16_t code = 0;
    d.number(code, "reply_code");
    if (code > 999) {
        d.fail("reply_code");
    }
    e.reply_code = code;
    d.text(e.reply_text, Limits::reply_text, "reply_text");
    d.number(e.bytes, "bytes");
    d.number(e.file_offset, "file_offset");
    bool has_size = false;
    std::uint64_t size = 0;
    d.flag(has_size, "file_size");
    d.number(size, "file_size");
    if (has_size) {
        e.file_size = size;
    } else if (size != 0) {
        d.fail("file_size");
    }
    d.flag(e.file_existed, "file_existed");
    d.number(e.transfer_millis, "transfer_millis");
    std::uint8_t status = 0;
    d.number(status, "transfer_status");
    if (status > static_cast<std::uint8_t>(TransferStatus::timeout)) {
        d.fail("transfer_status");
    }
    e.transfer_status = static_cast<TransferStatus>(status);
    d.text(e.transfer_failure, Limits::reason, "transfer_failure");
    d.flag(e.transfer_binary, "transfer_binary");
    d.number(e.transfer_port, "transfer_port");
    d.number(e.session_bytes_in, "session_bytes_in");
    d.number(e.session_bytes_out, "session_bytes_out");
    d.number(e.response_millis, "response_millis");
}

Result<Message> decode_body(MessageType type, std::string_view body) {
    Decoder d(body);
    Message out;
    switch (type) {
        case MessageType::auth_request: {
            AuthRequest m;
            d.text(m.user, Limits::user, "user");
            d.text(m.password, Limits::password, "password");
            out = std::move(m);
            break;
        }
        case MessageType::handover_request: {
            HandoverRequest m;
            d.text(m.state.pending_input, Limits::pending_input, "pending_input");
            d.flag(m.state.binary_type, "binary_type");
            d.flag(m.state.utf8, "utf8");
            d.number(m.state.bytes_in, "bytes_in");
            d.number(m.state.bytes_out, "bytes_out");
            get_lines(d, m.state.login_reply_lines);
            out = std::move(m);
            break;
        }
        case MessageType::hook_request: {
            HookRequest m;
            std::uint8_t point = 0;
            d.number(point, "point");
            // on_exit is the monitor's own hook point; a worker cannot ask for it.
            if (point < static_cast<std::uint8_t>(HookPoint::before_command) ||
                point > static_cast<std::uint8_t>(HookPoint::on_connect)) {
                d.fail("point");
            }
            m.point = static_cast<HookPoint>(point);
            get_event(d, m.event);
            out = std::move(m);
            break;
        }
        case MessageType::data_socket_request: {
            DataSocketRequest m;
            d.number(m.port, "port");
            d.text(m.target_address, Limits::address, "target_address");
            d.number(m.target_port, "target_port");
            out = std::move(m);
            break;
        }
        case MessageType::session_end: {
            SessionEnd m;
            d.text(m.reason, Limits::reason, "reason");
            out = std::move(m);
            break;
        }
        case MessageType::auth_answer: {
            AuthAnswer m;
            std::uint8_t status = 0;
            d.number(status, "status");
            if (status > static_cast<std::uint8_t>(ftp::LoginResult::Status::closing)) {
                d.fail("status");
            }
            m.status = static_cast<ftp::LoginResult::Status>(status);
            d.text(m.reply_text, Limits::reply_text, "reply_text");
            out = std::move(m);
            break;
        }
        case MessageType::hook_answer: {
            HookAnswer m;
            get_lines(d, m.lines);
            out = std::move(m);
            break;
        }
        case MessageType::data_socket_answer: {
            DataSocketAnswer m;
            d.flag(m.ok, "ok");
            d.text(m.error, Limits::reason, "error");
            out = std::move(m);
            break;
        }
        case MessageType::signature_request: {
            SignatureRequest m;
            std::uint8_t scheme = 0;
            d.number(scheme, "scheme");
            if (!tls::valid_scheme(scheme)) {
                d.fail("scheme");
            }
            m.request.scheme = static_cast<tls::SignScheme>(scheme);
            d.text(m.request.input, tls::kMaxSignInput, "input");
            out = std::move(m);
            break;
        }
        case MessageType::signature_answer: {
            SignatureAnswer m;
            d.text(m.signature, tls::kMaxSignInput, "signature");
            out = std::move(m);
            break;
        }
        case MessageType::key_client: out = KeyClient{}; break;
        case MessageType::key_status: {
            KeyStatus m;
            d.flag(m.loaded, "loaded");
            d.text(m.error, Limits::key_error, "error");
            out = std::move(m);
            break;
        }
        case MessageType::login_count_request: {
            LoginCountRequest m;
            d.text(m.account, Limits::user, "account");
            d.text(m.login_name, Limits::user, "login_name");
            out = std::move(m);
            break;
        }
        case MessageType::login_count_answer: {
            LoginCountAnswer m;
            d.flag(m.admitted, "admitted");
            d.text(m.limit, Limits::verb, "limit");
            d.text(m.reply, Limits::reply_text, "reply");
            out = std::move(m);
            break;
        }
        case MessageType::proxied_client: {
            ProxiedClient m;
            d.text(m.address, Limits::address, "address");
            d.number(m.port, "port");
            out = std::move(m);
            break;
        }
        case MessageType::proxied_client_answer: {
            ProxiedClientAnswer m;
            d.flag(m.admitted, "admitted");
            d.text(m.limit, Limits::verb, "limit");
            d.text(m.reply, Limits::reply_text, "reply");
            out = std::move(m);
            break;
        }
        case MessageType::log_record: {
            LogRecord m;
            std::uint8_t kind = 0;
            std::uint8_t level = 0;
            d.number(kind, "kind");
            d.number(level, "level");
            if (kind > static_cast<std::uint8_t>(LogRecord::Kind::transfer)) {
                d.fail("kind");
            }
            if (level > static_cast<std::uint8_t>(log::Level::debug)) {
                d.fail("level");
            }
            m.kind = static_cast<LogRecord::Kind>(kind);
            m.level = static_cast<log::Level>(level);
            d.text(m.text, Limits::log_text, "text");
            out = std::move(m);
            break;
        }
        case MessageType::worker_activity: {
            WorkerActivity m;
            get_activity(d, m);
            out = std::move(m);
            break;
        }
        case MessageType::session_activity: {
            SessionActivity m;
            get_activity(d, m.activity);
            out = std::move(m);
            break;
        }
        case MessageType::session_event: {
            SessionEvent m;
            std::uint8_t kind = 0;
            d.number(kind, "kind");
            if (kind > static_cast<std::uint8_t>(SessionEvent::Kind::upload_bytes)) {
                d.fail("kind");
            }
            m.kind = static_cast<SessionEvent::Kind>(kind);
            d.number(m.count, "count");
            out = m;
            break;
        }
        case MessageType::transfer_report: {
            TransferReport m;
            std::uint8_t status = 0;
            d.flag(m.incoming, "incoming");
            d.number(status, "status");
            // A finished transfer has a status: none is not one.
            if (status == static_cast<std::uint8_t>(TransferStatus::none) ||
                status > static_cast<std::uint8_t>(TransferStatus::timeout)) {
                d.fail("status");
            }
            m.status = static_cast<TransferStatus>(status);
            d.number(m.bytes, "bytes");
            out = m;
            break;
        }
        default:
            return Error{str_cat("unknown message type ", static_cast<unsigned>(type))};
    }
    if (auto done = d.finish(type); !done) {
        return std::move(done).error();
    }
    return out;
}

}  // namespace

bool HandoverRequest::operator==(const HandoverRequest& o) const {
    return state.pending_input == o.state.pending_input && state.binary_type == o.state.binary_type &&
           state.utf8 == o.state.utf8 && state.bytes_in == o.state.bytes_in && state.bytes_out == o.state.bytes_out &&
           state.login_reply_lines == o.state.login_reply_lines;
}

bool HookRequest::operator==(const HookRequest& o) const {
    const CommandEvent& a = event;
    const CommandEvent& b = o.event;
    return point == o.point && a.command == b.command && a.arguments == b.arguments &&
           a.command_line == b.command_line && a.path == b.path && a.rename_from == b.rename_from &&
           a.cwd == b.cwd && a.reply_code == b.reply_code && a.reply_text == b.reply_text && a.bytes == b.bytes &&
           a.file_offset == b.file_offset && a.file_size == b.file_size && a.file_existed == b.file_existed &&
           a.transfer_millis == b.transfer_millis && a.transfer_status == b.transfer_status &&
           a.transfer_failure == b.transfer_failure && a.transfer_binary == b.transfer_binary &&
           a.transfer_port == b.transfer_port && a.session_bytes_in == b.session_bytes_in &&
           a.session_bytes_out == b.session_bytes_out && a.response_millis == b.response_millis;
}

MessageType type_of(const Message& message) noexcept {
    // Index order of the Message variant.
    static constexpr MessageType kTypes[] = {
        MessageType::auth_request, MessageType::handover_request, MessageType::hook_request,
        MessageType::data_socket_request, MessageType::session_end, MessageType::auth_answer,
        MessageType::hook_answer, MessageType::data_socket_answer, MessageType::login_count_request,
        MessageType::login_count_answer, MessageType::proxied_client, MessageType::proxied_client_answer,
        MessageType::signature_request, MessageType::signature_answer, MessageType::key_client,
        MessageType::key_status,
        MessageType::log_record,
        MessageType::session_event,
        MessageType::worker_activity,
        MessageType::session_activity,
        MessageType::transfer_report,
    };
    static_assert(std::size(kTypes) == std::variant_size_v<Message>);
    // A valueless variant (only after a throwing assignment) has no type; it can never be sent.
    const std::size_t index = message.index();
    return index < std::size(kTypes) ? kTypes[index] : MessageType{};
}

const char* type_name(MessageType type) noexcept {
    switch (type) {
        case MessageType::auth_request: return "auth_request";
        case MessageType::handover_request: return "handover_request";
        case MessageType::hook_request: return "hook_request";
        case MessageType::data_socket_request: return "data_socket_request";
        case MessageType::session_end: return "session_end";
        case MessageType::auth_answer: return "auth_answer";
        case MessageType::hook_answer: return "hook_answer";
        case MessageType::data_socket_answer: return "data_socket_answer";
        case MessageType::login_count_request: return "login_count_request";
        case MessageType::login_count_answer: return "login_count_answer";
        case MessageType::proxied_client: return "proxied_client";
        case MessageType::proxied_client_answer: return "proxied_client_answer";
        case MessageType::signature_request: return "signature_request";
        case MessageType::signature_answer: return "signature_answer";
        case MessageType::key_client: return "key_client";
        case MessageType::key_status: return "key_status";
        case MessageType::pam_answer: return "pam_answer";
        case MessageType::log_record: return "log_record";
        case MessageType::session_event: return "session_event";
        case MessageType::worker_activity: return "worker_activity";
        case MessageType::session_activity: return "session_activity";
        case MessageType::transfer_report: return "transfer_report";
    }
    return "unknown";
}

Result<std::string> encode(const Message& message) {
    MessageWriter w(static_cast<std::uint8_t>(type_of(message)));
    try {
        std::visit(Overloaded{
                       [&](const AuthRequest& m) {
                           put(w, m.user, Limits::user, "user");
                           put(w, m.password, Limits::password, "password");
                       },
                       [&](const HandoverRequest& m) {
                           put(w, m.state.pending_input, Limits::pending_input, "pending_input");
                           w.boolean(m.state.binary_type);
                           w.boolean(m.state.utf8);
                           w.u64(m.state.bytes_in);
                           w.u64(m.state.bytes_out);
                           put_lines(w, m.state.login_reply_lines);
                       },
                       [&](const HookRequest& m) {
                           w.u8(static_cast<std::uint8_t>(m.point));
                           put_event(w, m.event);
                       },
                       [&](const DataSocketRequest& m) {
                           w.u16(m.port);
                           put(w, m.target_address, Limits::address, "target_address");
                           w.u16(m.target_port);
                       },
                       [&](const SessionEnd& m) { put(w, m.reason, Limits::reason, "reason"); },
                       [&](const AuthAnswer& m) {
                           w.u8(static_cast<std::uint8_t>(m.status));
                           put(w, m.reply_text, Limits::reply_text, "reply_text");
                       },
                       [&](const HookAnswer& m) { put_lines(w, m.lines); },
                       [&](const DataSocketAnswer& m) {
                           w.boolean(m.ok);
                           put(w, m.error, Limits::reason, "error");
                       },
                       [&](const LoginCountRequest& m) {
                           put(w, m.account, Limits::user, "account");
                           put(w, m.login_name, Limits::user, "login_name");
                       },
                       [&](const LoginCountAnswer& m) {
                           w.boolean(m.admitted);
                           put(w, m.limit, Limits::verb, "limit");
                           put(w, m.reply, Limits::reply_text, "reply");
                       },
                       [&](const ProxiedClient& m) {
                           put(w, m.address, Limits::address, "address");
                           w.u16(m.port);
                       },
                       [&](const ProxiedClientAnswer& m) {
                           w.boolean(m.admitted);
                           put(w, m.limit, Limits::verb, "limit");
                           put(w, m.reply, Limits::reply_text, "reply");
                       },
                       [&](const SignatureRequest& m) {
                           w.u8(static_cast<std::uint8_t>(m.request.scheme));
                           put(w, m.request.input, tls::kMaxSignInput, "input");
                       },
                       [&](const SignatureAnswer& m) { put(w, m.signature, tls::kMaxSignInput, "signature"); },
                       [&](const KeyClient&) {},
                       [&](const KeyStatus& m) {
                           w.boolean(m.loaded);
                           put(w, m.error, Limits::key_error, "error");
                       },
                       [&](const LogRecord& m) {
                           w.u8(static_cast<std::uint8_t>(m.kind));
                           w.u8(static_cast<std::uint8_t>(m.level));
                           put(w, m.text, Limits::log_text, "text");
                       },
                       [&](const SessionEvent& m) {
                           w.u8(static_cast<std::uint8_t>(m.kind));
                           w.u64(m.count);
                       },
                       [&](const WorkerActivity& m) { put_activity(w, m); },
                       [&](const SessionActivity& m) { put_activity(w, m.activity); },
                       [&](const TransferReport& m) {
                           w.boolean(m.incoming);
                           w.u8(static_cast<std::uint8_t>(m.status));
                           w.u64(m.bytes);
                       },
                   },
                   message);
    } catch (const FieldTooLong& too_long) {
        return Error{str_cat(type_name(type_of(message)), ": field '", too_long.field, "' over its limit")};
    }
    std::string bytes = std::move(w).finish();
    if (bytes.empty()) {
        return Error{str_cat(type_name(type_of(message)), ": message over ", kMaxMessageBytes, " bytes")};
    }
    return bytes;
}

Result<Message> decode(std::string_view bytes) {
    const auto header = parse_header(bytes);
    if (!header) {
        return Error{str_cat("malformed message header (", bytes.size(), " bytes)")};
    }
    if (header->version != kProtocolVersion) {
        return Error{str_cat("protocol version ", static_cast<unsigned>(header->version), ", expected ",
                             static_cast<unsigned>(kProtocolVersion))};
    }
    return decode_body(static_cast<MessageType>(header->type), bytes.substr(kHeaderBytes));
}

}  // namespace ward::ipc
