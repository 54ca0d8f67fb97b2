#include "daemon/master/metrics_board.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <utility>

#include "base/sys.hpp"

namespace ward::master::metrics {
namespace {

constexpr std::size_t kBytes = sizeof(std::atomic<std::uint64_t>) * kSlots;
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the counters are shared between processes");

}  // namespace

Result<Board> Board::create() {
    UniqueFd fd(::memfd_create("wardftpd-metrics", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.valid()) {
        return sys::errno_error("memfd_create for the metrics");
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(kBytes)) != 0) {
        return sys::errno_error("ftruncate of the metrics memfd");
    }
    void* mapped = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (mapped == MAP_FAILED) {
        return sys::errno_error("mmap of the metrics memfd");
    }
    // The master's mapping stays writable; from now on no other can be made, and the size is fixed.
    if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL) != 0) {
        const Error error = sys::errno_error("sealing the metrics memfd");
        (void)::munmap(mapped, kBytes);
        return error;
    }
    Board board;
    board.fd_ = std::move(fd);
    board.slots_ = new (mapped) std::atomic<std::uint64_t>[kSlots]{};
    return board;
}

Board::Board(Board&& other) noexcept
    : fd_(std::move(other.fd_)), slots_(std::exchange(other.slots_, nullptr)) {}

Board& Board::operator=(Board&& other) noexcept {
    if (this != &other) {
        if (slots_ != nullptr) {
            (void)::munmap(slots_, kBytes);
        }
        fd_ = std::move(other.fd_);
        slots_ = std::exchange(other.slots_, nullptr);
    }
    return *this;
}

Board::~Board() {
    if (slots_ != nullptr) {
        (void)::munmap(slots_, kBytes);
    }
}

void Board::unmap_writable() noexcept {
    if (slots_ != nullptr) {
        (void)::munmap(slots_, kBytes);
        slots_ = nullptr;
    }
}

void Board::add(Slot slot, std::uint64_t amount) noexcept {
    if (slots_ != nullptr) {
        slots_[static_cast<std::size_t>(slot)].fetch_add(amount, std::memory_order_relaxed);
    }
}

void Board::set(Slot slot, std::uint64_t value) noexcept {
    if (slots_ != nullptr) {
        slots_[static_cast<std::size_t>(slot)].store(value, std::memory_order_relaxed);
    }
}

Result<View> View::map(int fd) {
    void* mapped = ::mmap(nullptr, kBytes, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) {
        return sys::errno_error("mmap of the metrics memfd (read-only)");
    }
    return View(static_cast<const std::atomic<std::uint64_t>*>(mapped));
}

View::View(View&& other) noexcept : slots_(std::exchange(other.slots_, nullptr)) {}

View::~View() {
    if (slots_ != nullptr) {
        (void)::munmap(const_cast<std::atomic<std::uint64_t>*>(slots_), kBytes);  // NOLINT(cppcoreguidelines-pro-type-const-cast): munmap takes void*
    }
}

std::string View::render() const {
    std::array<std::uint64_t, kSlots> values{};
    for (std::size_t i = 0; i < kSlots; ++i) {
        values[i] = slots_[i].load(std::memory_order_relaxed);
    }
    return metrics::render(values);
}

}  // namespace ward::master::metrics
