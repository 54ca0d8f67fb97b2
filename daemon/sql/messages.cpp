#include "daemon/sql/messages.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "base/strings.hpp"
#include "daemon/ipc/wire.hpp"

namespace ward::sql {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

struct TooLong {
    const char* field;
};

void put(ipc::MessageWriter& w, std::string_view value, std::size_t limit, const char* field) {
    if (value.size() > limit) {
        throw TooLong{field};
    }
    w.bytes(value);
}

void put_variables(ipc::MessageWriter& w, const std::vector<std::pair<std::string, std::string>>& variables) {
    if (variables.size() > Limits::variables) {
        throw TooLong{"variables"};
    }
    w.u16(static_cast<std::uint16_t>(variables.size()));
    for (const auto& [name, value] : variables) {
        put(w, name, Limits::variable_name, "variable name");
        put(w, value, Limits::value, "variable value");
    }
}

class Decoder {
public:
    explicit Decoder(std::string_view body) : r_(body) {}
    void text(std::string& out, std::size_t limit, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        auto v = r_.bytes(limit);
        if (!v) {
            failed_ = field;
            return;
        }
        out.assign(*v);
    }
    template <class T>
    void number(T& out, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        std::optional<T> v;
        if constexpr (sizeof(T) == 1) {
            v = r_.u8();
        } else if constexpr (sizeof(T) == 2) {
            v = r_.u16();
        } else {
            v = r_.u32();
        }
        if (!v) {
            failed_ = field;
            return;
        }
        out = *v;
    }
    void flag(bool& out, const char* field) {
        if (failed_ != nullptr) {
            return;
        }
        auto v = r_.boolean();
        if (!v) {
            failed_ = field;
            return;
        }
        out = *v;
    }
    void variables(std::vector<std::pair<std::string, std::string>>& out) {
        std::uint16_t count = 0;
        number(count, "variable count");
        if (count > Limits::variables) {
            fail("variable count");
        }
        for (std::uint16_t i = 0; i < count && failed_ == nullptr; ++i) {
            std::pair<std::string, std::string> v;
            text(v.first, Limits::variable_name, "variable name");
            text(v.second, Limits::value, "variable value");
            out.push_back(std::move(v));
        }
    }
    void fail(const char* field) {
        if (failed_ == nullptr) {
            failed_ = field;
        }
    }
    [[nodiscard]] Result<void> finish() const {
        if (failed_ != nullptr) {
            return Error{str_cat("malformed SQL helper message: field ", failed_)};
        }
        if (!r_.at_end()) {
            return Error{"malformed SQL helper message: trailing bytes"};
        }
        return {};
    }

private:
    ipc::MessageReader r_;
    const char* failed_ = nullptr;
};

Result<Message> decode_body(std::uint8_t type, std::string_view body) {
    Decoder d(body);
    Message out;
    switch (static_cast<MessageType>(type)) {
        case MessageType::lookup_request: {
            LookupRequest m;
            d.variables(m.variables);
            d.text(m.password, Limits::password, "password");
            out = std::move(m);
            break;
        }
        case MessageType::lookup_answer: {
            LookupAnswer m;
            std::uint8_t status = 0;
            d.number(status, "status");
            if (status > static_cast<std::uint8_t>(LookupStatus::error)) {
                d.fail("status");
            }
            m.status = static_cast<LookupStatus>(status);
            d.text(m.reason, Limits::reason, "reason");
            d.text(m.name, Limits::name, "name");
            d.number(m.uid, "uid");
            d.number(m.gid, "gid");
            d.text(m.home, Limits::path, "home");
            d.text(m.shell, Limits::path, "shell");
            d.text(m.group_name, Limits::name, "group_name");
            std::uint16_t count = 0;
            d.number(count, "group count");
            if (count > Limits::groups) {
                d.fail("group count");
                count = 0;
            }
            for (std::uint16_t i = 0; i < count; ++i) {
                std::pair<std::uint32_t, std::string> g;
                d.number(g.first, "group gid");
                d.text(g.second, Limits::name, "group name");
                m.groups.push_back(std::move(g));
            }
            out = std::move(m);
            break;
        }
        case MessageType::log_request: {
            LogRequest m;
            d.text(m.query, Limits::name, "query");
            d.variables(m.variables);
            out = std::move(m);
            break;
        }
        case MessageType::log_answer: {
            LogAnswer m;
            d.flag(m.ok, "ok");
            d.text(m.error, Limits::reason, "error");
            out = std::move(m);
            break;
        }
        case MessageType::check_request: out = CheckRequest{}; break;
        case MessageType::check_answer: {
            CheckAnswer m;
            std::uint16_t count = 0;
            d.number(count, "problem count");
            if (count > Limits::problems) {
                d.fail("problem count");
                count = 0;
            }
            for (std::uint16_t i = 0; i < count; ++i) {
                std::string problem;
                d.text(problem, Limits::reason, "problem");
                m.problems.push_back(std::move(problem));
            }
            out = std::move(m);
            break;
        }
        default: return Error{str_cat("unknown SQL helper message type ", static_cast<unsigned>(type))};
    }
    if (auto done = d.finish(); !done) {
        return std::move(done).error();
    }
    return out;
}

MessageType type_of(const Message& message) {
    return std::visit(Overloaded{[](const LookupRequest&) { return MessageType::lookup_request; },
                                 [](const LookupAnswer&) { return MessageType::lookup_answer; },
                                 [](const LogRequest&) { return MessageType::log_request; },
                                 [](const LogAnswer&) { return MessageType::log_answer; },
                                 [](const CheckRequest&) { return MessageType::check_request; },
                                 [](const CheckAnswer&) { return MessageType::check_answer; }},
                      message);
}

}  // namespace

Result<std::string> encode(const Message& message) {
    ipc::MessageWriter w(static_cast<std::uint8_t>(type_of(message)));
    try {
        std::visit(Overloaded{
                       [&](const LookupRequest& m) {
                           put_variables(w, m.variables);
                           put(w, m.password, Limits::password, "password");
                       },
                       [&](const LookupAnswer& m) {
                           w.u8(static_cast<std::uint8_t>(m.status));
                           put(w, m.reason.substr(0, Limits::reason), Limits::reason, "reason");
                           put(w, m.name, Limits::name, "name");
                           w.u32(m.uid);
                           w.u32(m.gid);
                           put(w, m.home, Limits::path, "home");
                           put(w, m.shell, Limits::path, "shell");
                           put(w, m.group_name, Limits::name, "group_name");
                           if (m.groups.size() > Limits::groups) {
                               throw TooLong{"groups"};
                           }
                           w.u16(static_cast<std::uint16_t>(m.groups.size()));
                           for (const auto& [gid, name] : m.groups) {
                               w.u32(gid);
                               put(w, name, Limits::name, "group name");
                           }
                       },
                       [&](const LogRequest& m) {
                           put(w, m.query, Limits::name, "query");
                           put_variables(w, m.variables);
                       },
                       [&](const LogAnswer& m) {
                           w.boolean(m.ok);
                           put(w, m.error.substr(0, Limits::reason), Limits::reason, "error");
                       },
                       [&](const CheckRequest&) {},
                       [&](const CheckAnswer& m) {
                           if (m.problems.size() > Limits::problems) {
                               throw TooLong{"problems"};
                           }
                           w.u16(static_cast<std::uint16_t>(m.problems.size()));
                           for (const auto& p : m.problems) {
                               put(w, p.substr(0, Limits::reason), Limits::reason, "problem");
                           }
                       },
                   },
                   message);
    } catch (const TooLong& too_long) {
        return Error{str_cat("SQL helper message field too long: ", too_long.field)};
    }
    std::string bytes = std::move(w).finish();
    if (bytes.empty()) {
        return Error{"SQL helper message too long"};
    }
    return bytes;
}

Result<Message> decode(std::string_view bytes) {
    const auto header = ipc::parse_header(bytes);
    if (!header) {
        return Error{str_cat("malformed SQL helper message header (", bytes.size(), " bytes)")};
    }
    if (header->version != ipc::kProtocolVersion) {
        return Error{"SQL helper message of another protocol version"};
    }
    return decode_body(header->type, bytes.substr(ipc::kHeaderBytes));
}

Result<void> send_message(int fd, const Message& message) {
    auto bytes = encode(message);
    if (!bytes) {
        return std::move(bytes).error();
    }
    ssize_t sent = 0;
    do {
        sent = ::send(fd, bytes->data(), bytes->size(), MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(bytes->size())) {
        return Error{str_cat("sending to the SQL helper: ", sent < 0 ? std::strerror(errno) : "short write")};
    }
    return {};
}

Result<Message> receive_message(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&p, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
        return Error{str_cat("no answer within ", timeout_ms / 1000, " seconds")};
    }
    if (ready < 0) {
        return Error{str_cat("poll: ", std::strerror(errno))};
    }
    std::string buffer(ipc::kMaxMessageBytes + 1, '\0');
    ssize_t got = 0;
    do {
        got = ::recv(fd, buffer.data(), buffer.size(), MSG_TRUNC);
    } while (got < 0 && errno == EINTR);
    if (got == 0) {
        return Error{"the SQL helper closed its socket without answering"};
    }
    if (got < 0) {
        return Error{str_cat("recv: ", std::strerror(errno))};
    }
    if (static_cast<std::size_t>(got) > ipc::kMaxMessageBytes) {
        return Error{"an oversized SQL helper message"};
    }
    buffer.resize(static_cast<std::size_t>(got));
    return decode(buffer);
}

}  // namespace ward::sql
