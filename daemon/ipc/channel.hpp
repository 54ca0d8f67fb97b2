#pragma once
// One end of a monitor <-> worker SOCK_SEQPACKET socketpair: whole messages, at most one fd each.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/ipc/messages.hpp"

namespace ward::ipc {

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

    [[nodiscard]] Result<void> send(const Message& message, int fd_to_pass = -1);
    // Blocks for the next message. An error for: EOF ("peer closed"), a truncated or malformed message,
    // more than one fd, or a timeout when one is given. Unexpected fds are closed, never leaked.
    [[nodiscard]] Result<Received> receive(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    [[nodiscard]] int fd() const noexcept { return socket_.get(); }
    [[nodiscard]] bool valid() const noexcept { return socket_.valid(); }
    void close() noexcept { socket_.reset(); }

private:
    UniqueFd socket_;
    // One receive buffer for the channel's life, not zero-filled: a fresh 64 KiB per message cost a
    // session's processes most of their page faults (bench/PROFILE.md).
    std::unique_ptr<char[]> buffer_;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
};

}  // namespace ward::ipc
