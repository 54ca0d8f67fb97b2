#include "daemon/ipc/wire.hpp"

namespace ward::ipc {
namespace {

template <class T>
void put_le(std::string& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
    }
}

template <class T>
T get_le(std::string_view bytes) noexcept {
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        value = static_cast<T>(value | (static_cast<T>(static_cast<unsigned char>(bytes[i])) << (8 * i)));
    }
    return value;
}

}  // namespace

MessageWriter::MessageWriter(std::uint8_t type) {
    out_.reserve(256);
    out_.push_back(static_cast<char>(kProtocolVersion));
    out_.push_back(static_cast<char>(type));
    put_le<std::uint16_t>(out_, 0);
    put_le<std::uint32_t>(out_, 0);  // body length, filled in by finish()
}

void MessageWriter::u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
void MessageWriter::u16(std::uint16_t value) { put_le(out_, value); }
void MessageWriter::u32(std::uint32_t value) { put_le(out_, value); }
void MessageWriter::u64(std::uint64_t value) { put_le(out_, value); }

void MessageWriter::bytes(std::string_view value) {
    put_le(out_, static_cast<std::uint32_t>(value.size() > kMaxMessageBytes ? kMaxMessageBytes + 1 : value.size()));
    out_.append(value.substr(0, kMaxMessageBytes + 1));
}

std::string MessageWriter::finish() && {
    if (out_.size() > kMaxMessageBytes) {
        return {};
    }
    const auto body = static_cast<std::uint32_t>(out_.size() - kHeaderBytes);
    for (std::size_t i = 0; i < 4; ++i) {
        out_[4 + i] = static_cast<char>((body >> (8 * i)) & 0xffU);
    }
    return std::move(out_);
}

std::optional<Header> parse_header(std::string_view message) noexcept {
    if (message.size() < kHeaderBytes || message.size() > kMaxMessageBytes) {
        return std::nullopt;
    }
    Header header;
    header.version = static_cast<std::uint8_t>(message[0]);
    header.type = static_cast<std::uint8_t>(message[1]);
    if (get_le<std::uint16_t>(message.substr(2)) != 0) {
        return std::nullopt;
    }
    header.body_length = get_le<std::uint32_t>(message.substr(4));
    if (header.body_length != message.size() - kHeaderBytes) {
        return std::nullopt;
    }
    return header;
}

std::optional<std::uint8_t> MessageReader::u8() noexcept {
    if (rest_.empty()) {
        return std::nullopt;
    }
    const auto value = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return value;
}

std::optional<std::uint16_t> MessageReader::u16() noexcept {
    if (rest_.size() < 2) {
        return std::nullopt;
    }
    const auto value = get_le<std::uint16_t>(rest_);
    rest_.remove_prefix(2);
    return value;
}

std::optional<std::uint32_t> MessageReader::u32() noexcept {
    if (rest_.size() < 4) {
        return std::nullopt;
    }
    const auto value = get_le<std::uint32_t>(rest_);
    rest_.remove_prefix(4);
    return value;
}

std::optional<std::uint64_t> MessageReader::u64() noexcept {
    if (rest_.size() < 8) {
        return std::nullopt;
    }
    const auto value = get_le<std::uint64_t>(rest_);
    rest_.remove_prefix(8);
    return value;
}

std::optional<bool> MessageReader::boolean() noexcept {
    const auto value = u8();
    if (!value || *value > 1) {
        return std::nullopt;
    }
    return *value == 1;
}

std::optional<std::string_view> MessageReader::bytes(std::size_t max_length) noexcept {
    const auto length = u32();
    if (!length || *length > max_length || *length > rest_.size()) {
        return std::nullopt;
    }
    const std::string_view value = rest_.substr(0, *length);
    rest_.remove_prefix(*length);
    return value;
}

}  // namespace ward::ipc
