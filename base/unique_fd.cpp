#include "base/unique_fd.hpp"

#include <unistd.h>

namespace ward {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        reset(other.release());
    }
    return *this;
}

UniqueFd::~UniqueFd() { reset(); }

int UniqueFd::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
        // close() on Linux releases the descriptor even when it reports EINTR; never retry.
        (void)::close(fd_);
    }
    fd_ = fd;
}

}  // namespace ward
