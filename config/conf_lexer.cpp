#include "config/conf_lexer.hpp"

#include <cstdlib>

#include "base/strings.hpp"

namespace ward::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// The offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates), or npos.
std::size_t invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        unsigned min = 0;
        unsigned code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
            code = c & 0x1FU;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
            code = c & 0x0FU;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
            code = c & 0x07U;
        } else {
            return i;
        }
        if (i + len > text.size()) {
            return i;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0U) != 0x80U) {
                return i;
            }
            code = (code << 6U) | (cc & 0x3FU);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return i;
        }
        i += len;
    }
    return std::string_view::npos;
}

}  // namespace

std::optional<SectionLine> section_line(const ConfLine& line) {
    const std::string& first = line.words.front().text;
    if (!first.starts_with('<')) {
        return std::nullopt;
    }
    SectionLine out;
    std::vector<Token> args(line.words.begin() + 1, line.words.end());
    std::string head = first.substr(1);
    if (head.ends_with('>')) {
        head.pop_back();
    } else if (!args.empty() && args.back().text.ends_with('>')) {
        args.back().text.pop_back();
        if (args.back().text.empty()) {
            args.pop_back();
        }
    }
    if (head.starts_with('/')) {
        out.closing = true;
        head.erase(0, 1);
    }
    out.name = std::move(head);
    out.args = std::move(args);
    return out;
}

std::string_view conditional_name(Conditional c) noexcept {
    return c == Conditional::if_module ? "IfModule" : "IfDefine";
}

std::optional<Conditional> conditional_kind(std::string_view name) noexcept {
    if (iequals(name, "IfModule")) {
        return Conditional::if_module;
    }
    if (iequals(name, "IfDefine")) {
        return Conditional::if_define;
    }
    return std::nullopt;
}

ConfLexer::ConfLexer(std::string_view text, std::string file, const LoadOptions& options, bool keep_comments)
    : text_(text), file_(std::move(file)), options_(options), keep_comments_(keep_comments) {}

Location ConfLexer::locate(std::size_t offset) const {
    const Segment* seg = &segments_.front();
    for (const auto& s : segments_) {
        if (s.offset > offset) {
            break;
        }
        seg = &s;
    }
    return Location{file_, seg->line, static_cast<std::uint32_t>(seg->column + (offset - seg->offset))};
}

Result<bool> ConfLexer::read_logical() {
    logical_.clear();
    segments_.clear();
    if (pos_ >= text_.size()) {
        return false;
    }
    while (pos_ < text_.size()) {
        auto end = text_.find('\n', pos_);
        const bool last = end == std::string_view::npos;
        if (last) {
            end = text_.size();
        }
        std::string_view physical = text_.substr(pos_, end - pos_);
        pos_ = last ? text_.size() : end + 1;
        ++line_no_;
        if (physical.ends_with('\r')) {
            physical.remove_suffix(1);
        }
        if (physical.find('\0') != std::string_view::npos) {
            return error_at(Location{file_, line_no_, static_cast<std::uint32_t>(physical.find('\0') + 1)},
                            "NUL byte in the configuration text");
        }
        if (const auto bad = invalid_utf8(physical); bad != std::string_view::npos) {
            return error_at(Location{file_, line_no_, static_cast<std::uint32_t>(bad + 1)},
                            "the configuration text is not valid UTF-8");
        }
        segments_.push_back(Segment{logical_.size(), line_no_, 1});
        const bool continued = physical.ends_with('\\');
        if (continued) {
            physical.remove_suffix(1);
        }
        if (logical_.size() + physical.size() > options_.limits.max_line_bytes) {
            return error_at(Location{file_, segments_.front().line, 1},
                            str_cat("line longer than the limit of ", options_.limits.max_line_bytes, " bytes"));
        }
        logical_.append(physical);
        if (!continued) {
            break;
        }
    }
    return true;
}

Result<bool> ConfLexer::next_raw(std::string& raw, Location& where) {
    auto got = read_logical();
    if (!got || !*got) {
        return got;
    }
    raw = logical_;
    where = Location{file_, segments_.front().line, 1};
    return true;
}

std::string ConfLexer::expand_env(std::string word, const Location& where) {
    constexpr std::string_view kOpen = "%{env:";
    std::size_t from = 0;
    while (true) {
        const auto start = word.find(kOpen, from);
        if (start == std::string::npos) {
            return word;
        }
        const auto close = word.find('}', start + kOpen.size());
        if (close == std::string::npos) {
            return word;
        }
        const std::string name = word.substr(start + kOpen.size(), close - start - kOpen.size());
        std::optional<std::string> value;
        if (options_.env) {
            value = options_.env(name);
        } else if (const char* v = std::getenv(name.c_str()); v != nullptr) {
            value = std::string(v);
        }
        if (!value) {
            line_warnings_.emplace_back(where, str_cat("%{env:", name, "}: the environment variable ", name,
                                                       " is not set; it is replaced by nothing, as in ProFTPD"));
            value.emplace();
        }
        word.replace(start, close + 1 - start, *value);
        from = start + value->size();  // single pass: a substituted value is never scanned again
    }
}

Result<bool> ConfLexer::next(ConfLine& out) {
    out.words.clear();
    line_warnings_.clear();
    line_comment_.clear();
    while (true) {
        auto got = read_logical();
        if (!got || !*got) {
            return got;
        }
        std::size_t i = 0;
        while (i < logical_.size() && is_space(logical_[i])) {
            ++i;
        }
        if (i >= logical_.size() || logical_[i] == '#') {
            std::string kept(trim(logical_));
            if (keep_comments_ && (!kept.empty() || skipped_.empty() || !skipped_.back().empty())) {
                skipped_.push_back(std::move(kept));
            }
            continue;
        }
        while (true) {
            while (i < logical_.size() && is_space(logical_[i])) {
                ++i;
            }
            if (i >= logical_.size() || logical_[i] == '#') {
                if (i < logical_.size()) {
                    line_comment_ = std::string(trim(std::string_view(logical_).substr(i)));
                }
                break;
            }
            const Location where = locate(i);
            std::string word;
            if (logical_[i] == '"') {
                ++i;
                bool closed = false;
                while (i < logical_.size()) {
                    char c = logical_[i];
                    if (c == '"') {
                        closed = true;
                        ++i;
                        break;
                    }
                    if (c == '\\' && i + 1 < logical_.size()) {
                        c = logical_[++i];
                    }
                    word.push_back(c);
                    ++i;
                }
                if (!closed) {
                    return error_at(where, "unterminated quoted string");
                }
            } else {
                while (i < logical_.size() && !is_space(logical_[i])) {
                    word.push_back(logical_[i++]);
                }
            }
            std::string expanded = expand_env(std::move(word), where);
            if (out.words.size() > options_.limits.max_args) {
                return error_at(where, str_cat("too many arguments (the limit is ", options_.limits.max_args, ")"));
            }
            out.words.push_back(Token{std::move(expanded), where});
        }
        if (!out.words.empty()) {
            return true;
        }
    }
}

}  // namespace ward::config
