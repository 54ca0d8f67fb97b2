#pragma once
// Assembles FTP control-connection bytes into command lines (RFC 959 §4.1.3, RFC 854 Telnet).
//
// - A line ends at LF; one CR before it is dropped, so both CRLF and bare LF work.
// - Telnet: IAC IAC is a data byte 0xFF; IAC WILL/WONT/DO/DONT <opt> and other two-byte commands
//   (IP, DM, AYT, ...) are removed; we never negotiate options, as ProFTPD and vsftpd do not.
// - CR NUL inside a line is CR (RFC 2640 §3.1); any other NUL marks the line as invalid.
// - A line longer than kMaxLineBytes is discarded up to its LF and reported once as overlong:
//   memory stays bounded whatever the client sends.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace ward::ftp {

inline constexpr std::size_t kMaxLineBytes = 4096 + 512;  // PATH_MAX plus a verb and room to spare

struct CommandLine {
    std::string text;       // without the line end; empty for an overlong line
    bool overlong = false;  // the line passed kMaxLineBytes and was dropped
    bool has_nul = false;   // a NUL byte not part of CR NUL
};

class CommandLineReader {
public:
    // Consumes every byte; complete lines queue up for next().
    void feed(std::string_view bytes);
    [[nodiscard]] std::optional<CommandLine> next();
    [[nodiscard]] std::size_t queued_lines() const noexcept { return lines_.size(); }
    [[nodiscard]] bool has_partial_line() const noexcept { return !partial_.empty() || state_ != State::data; }
    // Everything not yet returned by next(), re-encoded as wire bytes, so a new reader fed with it yields
    // the same lines (hand-over from the pre-auth to the post-auth worker).
    [[nodiscard]] std::string drain_as_wire();

private:
    enum class State : std::uint8_t { data, iac, iac_option, cr };
    void push_byte(char c);
    void finish_line();

    std::deque<CommandLine> lines_;
    std::string partial_;
    State state_ = State::data;
    bool overlong_ = false;
    bool has_nul_ = false;
};

}  // namespace ward::ftp
