#pragma once
// The typed, bounded messages between a session monitor (or -t) and its SQL helper process, in the byte
// format of daemon/ipc/wire.hpp with this project's numbers 128-133. They never travel on a worker's
// channel: only the monitor and the helper it forked hold the socket.
//
// The monitor trusts nothing in an answer beyond its shape: it maps ids below SQLMinUserUID/SQLMinUserGID
// to SQLDefaultUID/SQLDefaultGID itself, and applies RootLogin, RequireValidShell and <Limit LOGIN> as for
// every other account.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.hpp"

namespace ward::sql {

enum class MessageType : std::uint8_t {
    lookup_request = 128,
    lookup_answer = 129,
    log_request = 130,
    log_answer = 131,
    check_request = 132,
    check_answer = 133,
};

struct Limits {
    static constexpr std::size_t name = 256;
    static constexpr std::size_t password = 1024;
    static constexpr std::size_t path = 4096;
    static constexpr std::size_t reason = 512;
    static constexpr std::size_t groups = 64;
    static constexpr std::size_t variables = 32;
    static constexpr std::size_t variable_name = 32;
    static constexpr std::size_t value = std::size_t{6} * 1024;
    static constexpr std::size_t problems = 64;
};

// Monitor -> helper: who logs in, and the values of the %-variables a user query may use.
struct LookupRequest {
    std::vector<std::pair<std::string, std::string>> variables;  // "U" -> login name, "a" -> client address ...
    std::string password;
    bool operator==(const LookupRequest&) const = default;
};

enum class LookupStatus : std::uint8_t {
    no_such_user = 0,   // the query found no row: the next AuthOrder module may answer
    authenticated = 1,  // a row, and the password matched one of SQLAuthTypes
    refused = 2,        // a row, but the password did not match (or the row is unusable): reason says which
    error = 3,          // the database could not answer: reason says why
};

struct LookupAnswer {
    LookupStatus status = LookupStatus::error;
    std::string reason;
    std::string name;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::string home;
    std::string shell;
    std::string group_name;                                   // the primary group's (empty: unknown)
    std::vector<std::pair<std::uint32_t, std::string>> groups;  // supplementary groups from SQLGroupInfo
    bool operator==(const LookupAnswer&) const = default;
};

// Monitor -> helper: run one SQLLog query with these variable values.
struct LogRequest {
    std::string query;
    std::vector<std::pair<std::string, std::string>> variables;
    bool operator==(const LogRequest&) const = default;
};

struct LogAnswer {
    bool ok = false;
    std::string error;
    bool operator==(const LogAnswer&) const = default;
};

// -t -> helper: connect, prepare every named query and the user query.
struct CheckRequest {
    bool operator==(const CheckRequest&) const = default;
};

struct CheckAnswer {
    std::vector<std::string> problems;  // empty: all good
    bool operator==(const CheckAnswer&) const = default;
};

using Message = std::variant<LookupRequest, LookupAnswer, LogRequest, LogAnswer, CheckRequest, CheckAnswer>;

[[nodiscard]] Result<std::string> encode(const Message& message);
// Any violation (version, type, a field past its limit, an invalid enum, trailing bytes) is an error.
[[nodiscard]] Result<Message> decode(std::string_view bytes);

// Sends or receives one whole message on a SOCK_SEQPACKET socket; receive waits at most `timeout_ms`.
[[nodiscard]] Result<void> send_message(int fd, const Message& message);
[[nodiscard]] Result<Message> receive_message(int fd, int timeout_ms);

}  // namespace ward::sql
