#pragma once
// The byte layer of monitor <-> worker messages: a fixed 8-byte header and a body of typed fields.
//
//   header: u8 version | u8 type | u16 zero | u32 body length (little endian)
//   fields: u8, u16, u32, u64 (little endian); bytes = u32 length + that many bytes, each with its own
//           maximum, checked before anything is copied.
// A reader never reads past the body, and a message is accepted only when every byte was consumed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::ipc {

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::size_t kHeaderBytes = 8;
inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} * 1024;

class MessageWriter {
public:
    explicit MessageWriter(std::uint8_t type);
    void u8(std::uint8_t value);
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void u64(std::uint64_t value);
    void boolean(bool value) { u8(value ? 1 : 0); }
    void bytes(std::string_view value);
    // The finished message with its header; empty if it grew past kMaxMessageBytes.
    [[nodiscard]] std::string finish() &&;

private:
    std::string out_;
};

struct Header {
    std::uint8_t version = 0;
    std::uint8_t type = 0;
    std::uint32_t body_length = 0;
};

// Parses the header of a whole received message; nullopt unless the sizes agree exactly.
[[nodiscard]] std::optional<Header> parse_header(std::string_view message) noexcept;

class MessageReader {
public:
    explicit MessageReader(std::string_view body) noexcept : rest_(body) {}
    [[nodiscard]] std::optional<std::uint8_t> u8() noexcept;
    [[nodiscard]] std::optional<std::uint16_t> u16() noexcept;
    [[nodiscard]] std::optional<std::uint32_t> u32() noexcept;
    [[nodiscard]] std::optional<std::uint64_t> u64() noexcept;
    [[nodiscard]] std::optional<bool> boolean() noexcept;  // only 0 or 1
    [[nodiscard]] std::optional<std::string_view> bytes(std::size_t max_length) noexcept;
    [[nodiscard]] bool at_end() const noexcept { return rest_.empty(); }

private:
    std::string_view rest_;
};

}  // namespace ward::ipc
