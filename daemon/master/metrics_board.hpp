#pragma once
// The metrics counters, in a sealed memfd the master writes through its own mapping and the exporter
// process maps read-only (F_SEAL_FUTURE_WRITE: no new writable mapping of it can be made, so the exporter
// cannot change a count even with a bug in its HTTP code). Only the master counts, from what it sees itself
// (connections, refusals, its login counts, its children's ends) and from its session monitors' reports.
#include <atomic>
#include <cstdint>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/master/metrics_catalog.hpp"

namespace ward::master::metrics {

class Board {
public:
    Board() = default;  // disabled: every add() is a no-op
    [[nodiscard]] static Result<Board> create();
    Board(Board&& other) noexcept;
    Board& operator=(Board&& other) noexcept;
    Board(const Board&) = delete;
    Board& operator=(const Board&) = delete;
    ~Board();

    [[nodiscard]] bool enabled() const noexcept { return slots_ != nullptr; }
    void add(Slot slot, std::uint64_t amount = 1) noexcept;
    void set(Slot slot, std::uint64_t value) noexcept;
    // In the forked exporter: drops the inherited writable mapping (the descriptor stays, to map read-only).
    void unmap_writable() noexcept;
    // The sealed memfd, for the exporter to map read-only.
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    UniqueFd fd_;
    std::atomic<std::uint64_t>* slots_ = nullptr;
};

// The exporter's side: maps `fd` read-only and copies the current values.
class View {
public:
    [[nodiscard]] static Result<View> map(int fd);
    View(View&& other) noexcept;
    View& operator=(View&&) = delete;
    View(const View&) = delete;
    View& operator=(const View&) = delete;
    ~View();
    [[nodiscard]] std::string render() const;

private:
    explicit View(const std::atomic<std::uint64_t>* slots) : slots_(slots) {}
    const std::atomic<std::uint64_t>* slots_ = nullptr;
};

}  // namespace ward::master::metrics
