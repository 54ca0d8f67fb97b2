#include "daemon/ftp/reply.hpp"

#include "base/strings.hpp"

namespace ward::ftp {
namespace {

void append_text(std::string& out, std::string_view text) {
    for (const char c : text) {
        if (c == '\n') {
            out += '\0';
        } else {
            out += c;
            if (c == '\r') {
                out += '\0';
            }
        }
    }
}

void append_line(std::string& out, int code, std::string_view text, bool last) {
    if (!last && text.starts_with(' ')) {
        append_text(out, text);
    } else {
        out += str_cat(code, last ? ' ' : '-');
        append_text(out, text);
    }
    out += "\r\n";
}

}  // namespace

void append_reply(std::string& out, int code, std::span<const std::string> lines) {
    if (lines.empty()) {
        append_line(out, code, "", true);
        return;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        append_line(out, code, lines[i], i + 1 == lines.size());
    }
}

void append_reply(std::string& out, int code, std::string_view text) { append_line(out, code, text, true); }

}  // namespace ward::ftp
