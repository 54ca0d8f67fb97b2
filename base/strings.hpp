#pragma once
// Small string helpers shared by every layer. Nothing here allocates unless it returns a string.
#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward {

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
[[nodiscard]] constexpr char ascii_upper(char c) noexcept {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;
[[nodiscard]] bool istarts_with(std::string_view text, std::string_view prefix) noexcept;
[[nodiscard]] std::string to_lower(std::string_view text);
[[nodiscard]] std::string to_upper(std::string_view text);
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;
// Splits on every occurrence of sep; empty fields are kept.
[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char sep);
// Splits on runs of spaces and tabs; no empty fields.
[[nodiscard]] std::vector<std::string_view> split_words(std::string_view text);

// Whole-string unsigned parse: no sign, no spaces, no trailing bytes, in range.
template <std::unsigned_integral T>
[[nodiscard]] std::optional<T> parse_unsigned(std::string_view text, int base = 10) noexcept {
    T value{};
    if (text.empty() || text.front() == '+' || text.front() == '-') {
        return std::nullopt;
    }
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

// Escapes bytes a log line must not contain (control characters, DEL, backslash) as \xNN,
// so a client cannot forge log lines or terminal escapes.
[[nodiscard]] std::string escape_for_log(std::string_view text);

namespace detail {
inline void append_piece(std::string& out, std::string_view piece) { out.append(piece); }
inline void append_piece(std::string& out, const char* piece) { out.append(piece); }
inline void append_piece(std::string& out, const std::string& piece) { out.append(piece); }
inline void append_piece(std::string& out, char piece) { out.push_back(piece); }
template <std::integral T>
    requires(!std::same_as<T, char> && !std::same_as<T, bool>)
void append_piece(std::string& out, T piece) {
    char buf[24];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, piece);
    out.append(buf, ptr);
}
inline void append_piece(std::string& out, bool piece) { out.append(piece ? "true" : "false"); }
}  // namespace detail

// Concatenates strings, characters and integers: str_cat("port ", 21, " refused").
template <class... Pieces>
[[nodiscard]] std::string str_cat(const Pieces&... pieces) {
    std::string out;
    (detail::append_piece(out, pieces), ...);
    return out;
}

}  // namespace ward
