#include "daemon/ftp/command_line.hpp"

#include <utility>

namespace ward::ftp {
namespace {

constexpr unsigned char kIac = 255;
constexpr unsigned char kWill = 251;
constexpr unsigned char kDont = 254;

std::string encode_line(std::string_view text, bool with_end) {
    std::string out;
    out.reserve(text.size() + 2);
    for (const char c : text) {
        if (static_cast<unsigned char>(c) == kIac) {
            out += static_cast<char>(kIac);
        }
        out += c;
        if (c == '\r') {
            out += '\0';  // CR inside a line travels as CR NUL
        }
    }
    if (with_end) {
        out += "\r\n";
    }
    return out;
}

}  // namespace

void CommandLineReader::push_byte(char c) {
    if (overlong_) {
        return;
    }
    if (partial_.size() >= kMaxLineBytes) {
        overlong_ = true;
        partial_.clear();
        partial_.shrink_to_fit();
        return;
    }
    partial_ += c;
}

void CommandLineReader::finish_line() {
    CommandLine line;
    line.overlong = overlong_;
    line.has_nul = has_nul_ && !overlong_;
    if (!overlong_) {
        line.text = std::move(partial_);
    }
    lines_.push_back(std::move(line));
    partial_.clear();
    overlong_ = false;
    has_nul_ = false;
}

void CommandLineReader::feed(std::string_view bytes) {
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        switch (state_) {
            case State::iac:
                if (byte == kIac) {
                    push_byte(c);
                    state_ = State::data;
                } else if (byte >= kWill && byte <= kDont) {
                    state_ = State::iac_option;
                } else {
                    state_ = State::data;  // IP, DM, AYT, NOP, ...: dropped
                }
                continue;
            case State::iac_option:
                state_ = State::data;  // the option byte of WILL/WONT/DO/DONT
                continue;
            case State::cr:
                state_ = State::data;
                if (c == '\n') {
                    finish_line();
                    continue;
                }
                push_byte('\r');
                if (c == '\0') {
                    continue;  // CR NUL is a lone CR
                }
                break;  // handle c as ordinary data below
            case State::data:
                break;
        }
        if (byte == kIac) {
            state_ = State::iac;
        } else if (c == '\r') {
            state_ = State::cr;
        } else if (c == '\n') {
            finish_line();
        } else {
            if (c == '\0') {
                has_nul_ = true;
            }
            push_byte(c);
        }
    }
}

std::optional<CommandLine> CommandLineReader::next() {
    if (lines_.empty()) {
        return std::nullopt;
    }
    CommandLine line = std::move(lines_.front());
    lines_.pop_front();
    return line;
}

std::string CommandLineReader::drain_as_wire() {
    std::string out;
    for (const auto& line : lines_) {
        if (line.overlong) {
            out.append(kMaxLineBytes + 1, 'x');  // the new reader reports it as overlong too
            out += "\r\n";
        } else {
            out += encode_line(line.text, true);  // a NUL travels raw, so the new reader flags it too
        }
    }
    lines_.clear();
    if (overlong_) {
        out.append(kMaxLineBytes + 1, 'x');  // puts the new reader in the same discarding state
    } else {
        out += encode_line(partial_, false);
    }
    switch (state_) {
        case State::iac: out += static_cast<char>(kIac); break;
        case State::iac_option: out += static_cast<char>(kIac), out += static_cast<char>(kWill); break;
        case State::cr: out += '\r'; break;
        case State::data: break;
    }
    partial_.clear();
    overlong_ = false;
    has_nul_ = false;
    state_ = State::data;
    return out;
}

}  // namespace ward::ftp
