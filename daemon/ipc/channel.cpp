#include "daemon/ipc/channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ipc/wire.hpp"

namespace ward::ipc {
namespace {

constexpr std::size_t kMaxFdsPerMessage = 1;
// Room for a few more fds than we accept, so a sender that attaches extras is detected (and they closed).
constexpr std::size_t kFdRoom = 8;

enum class Wait : std::uint8_t { ready, timed_out, failed };  // failed: errno says why

Wait wait_for(int fd, short events, std::optional<std::chrono::milliseconds> timeout) {
    pollfd pfd{fd, events, 0};
    const int ms = timeout ? static_cast<int>(std::max<std::chrono::milliseconds::rep>(timeout->count(), 0)) : -1;
    int ready = 0;
    do {
        ready = ::poll(&pfd, 1, ms);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) {
        return Wait::failed;
    }
    return ready == 0 ? Wait::timed_out : Wait::ready;
}

Error wait_error(Wait wait, std::string_view what) {
    if (wait == Wait::timed_out) {
        return Error{str_cat(what, ": timed out waiting for the peer")};
    }
    return sys::errno_error(str_cat("poll for ", what));
}

}  // namespace

Result<std::pair<Channel, Channel>> Channel::make_pair() {
    std::array<int, 2> fds{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds.data()) != 0) {
        return sys::errno_error("socketpair");
    }
    return std::pair<Channel, Channel>(Channel(UniqueFd(fds[0])), Channel(UniqueFd(fds[1])));
}

Result<void> Channel::send(const Message& message, int fd_to_pass) {
    auto bytes = encode(message);
    if (!bytes) {
        return std::move(bytes).error();
    }
    iovec iov{bytes->data(), bytes->size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
    if (fd_to_pass >= 0) {
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cmsg), &fd_to_pass, sizeof(int));
    }
    const auto send_all = [&]() -> Result<void> {
        const auto deadline = std::chrono::steady_clock::now() + send_timeout_.value_or(std::chrono::milliseconds(0));
        while (true) {
            const ssize_t sent = ::sendmsg(socket_.get(), &msg, MSG_NOSIGNAL | (send_timeout_ ? MSG_DONTWAIT : 0));
            if (sent >= 0) {
                return {};
            }
            if (errno == EAGAIN) {
                std::optional<std::chrono::milliseconds> left;
                if (send_timeout_) {
                    left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
                }
                if (const Wait wait = wait_for(socket_.get(), POLLOUT, left); wait != Wait::ready) {
                    return wait_error(wait, str_cat("send ", type_name(type_of(message))));
                }
            } else if (errno != EINTR) {
                return sys::errno_error(str_cat("send ", type_name(type_of(message))));
            }
        }
    };
    auto sent = send_all();
    // The encoded bytes may hold a password (auth_request): wiped whatever became of the send.
    ::explicit_bzero(bytes->data(), bytes->size());
    return sent;
}

Result<Received> Channel::fail(Failure kind, Error error) {
    last_failure_ = kind;
    return error;
}

Result<Received> Channel::receive(std::optional<std::chrono::milliseconds> timeout) {
    last_failure_ = Failure::none;
    // Always wait with poll: the socket may be non-blocking (the worker's event loop watches it too).
    if (const Wait wait = wait_for(socket_.get(), POLLIN, timeout); wait != Wait::ready) {
        return fail(wait == Wait::timed_out ? Failure::timed_out : Failure::system, wait_error(wait, "receive"));
    }
    constexpr std::size_t kBufferBytes = kMaxMessageBytes + 1;  // one more: a longer message shows as truncated
    if (!buffer_) {
        buffer_ = std::make_unique_for_overwrite<char[]>(kBufferBytes);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    }
    iovec iov{buffer_.get(), kBufferBytes};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * kFdRoom)> control{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t got = -1;
    do {
        got = ::recvmsg(socket_.get(), &msg, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        return fail(Failure::system, sys::errno_error("receive from peer"));
    }

    // Take ownership of every fd that arrived before judging the message, so none can leak.
    std::array<UniqueFd, kFdRoom> fds;
    std::size_t fd_count = 0;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        const std::size_t n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < n && fd_count < kFdRoom; ++i) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            fds[fd_count++].reset(fd);
        }
    }
    if (got == 0) {
        return fail(Failure::peer_closed, Error{"peer closed the connection"});
    }
    if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
        return fail(Failure::malformed, Error{"message truncated (over the size limit or too many fds)"});
    }
    if (fd_count > kMaxFdsPerMessage) {
        return fail(Failure::malformed,
                    Error{str_cat("message carried ", fd_count, " fds; at most ", kMaxFdsPerMessage, " allowed")});
    }
    auto message = decode(std::string_view(buffer_.get(), static_cast<std::size_t>(got)));
    // The buffer is reused for the channel's life: what it held (a password, in an auth_request) does not stay.
    ::explicit_bzero(buffer_.get(), static_cast<std::size_t>(got));
    if (!message) {
        return fail(Failure::malformed, std::move(message).error());
    }
    return Received{std::move(*message), std::move(fds[0])};
}

}  // namespace ward::ipc
