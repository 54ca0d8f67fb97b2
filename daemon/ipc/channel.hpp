#pragma once
// One end of a monitor <-> worker SOCK_SEQPACKET socketpair: whole messages, at most one fd each.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/ipc/messages.hpp"

namespace ward::ipc {

// Why the last receive failed, for callers that act on the kind (never on the message text).
enum class Failure : std::uint8_t { none, peer_closed, timed_out, malformed, system };

struct Received {
    Message message;
    UniqueFd fd;  // set only when the sender attached one
};

class Channel {
public:
    Channel() = default;
    explicit Channel(UniqueFd socket) : socket_(std::move(socket)) {}

    // A connected SOCK_SEQPACKET pair, both ends close-on-exec.
    [[nodiscard]] static Result<std::pair<Channel, Channel>> make_pair();

    // Waits for room in the socket at most `send_timeout` when one is set (the monitor sets one: a worker
    // that stops reading cannot hold it), for ever otherwise.
    [[nodiscard]] Result<void> send(const Message& message, int fd_to_pass = -1);
    void set_send_timeout(std::chrono::milliseconds timeout) noexcept { send_timeout_ = timeout; }
    // Blocks for the next message. An error for: EOF ("peer closed"), a truncated or malformed message,
    // more than one fd, or a timeout when one is given. Unexpected fds are closed, never leaked.
    [[nodiscard]] Result<Received> receive(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    [[nodiscard]] Failure last_failure() const noexcept { return last_failure_; }

    [[nodiscard]] int fd() const noexcept { return socket_.get(); }
    [[nodiscard]] bool valid() const noexcept { return socket_.valid(); }
    void close() noexcept { socket_.reset(); }

private:
    Result<Received> fail(Failure kind, Error error);

    UniqueFd socket_;
    std::optional<std::chrono::milliseconds> send_timeout_;
    Failure last_failure_ = Failure::none;
    // One receive buffer for the channel's life, not zero-filled: a fresh 64 KiB per message cost a
    // session's processes most of their page faults (bench/PROFILE.md).
    std::unique_ptr<char[]> buffer_;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
};

}  // namespace ward::ipc
