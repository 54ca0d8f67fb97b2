#pragma once
// proftpd.conf lines and words as ProFTPD's parser reads them (src/parser.c, pr_str_get_word): a '\' at the
// end of a line joins the next one; a line whose first non-blank byte is '#' is a comment, and so is the rest
// of a line from a word that starts with '#'; a word that starts with '"' runs to the next unescaped '"', and
// inside it '\' takes the next byte literally; %{env:NAME} is replaced in every word, once
// (an unset NAME by nothing, as ProFTPD does, with a warning).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "config/builder.hpp"
#include "config/load.hpp"

namespace ward::config {

struct ConfLine {
    std::vector<Token> words;  // at least one
};

// "<Limit READ WRITE>" arrives as the words "<Limit", "READ", "WRITE>": ProFTPD moves the '>' to the name.
struct SectionLine {
    std::string name;  // without '<', '/' and '>'
    bool closing = false;
    std::vector<Token> args;
};
// The section tag a line opens or closes; nothing for a directive line.
[[nodiscard]] std::optional<SectionLine> section_line(const ConfLine& line);

enum class Conditional : std::uint8_t { if_module, if_define };
[[nodiscard]] std::string_view conditional_name(Conditional c) noexcept;
[[nodiscard]] std::optional<Conditional> conditional_kind(std::string_view name) noexcept;

class ConfLexer {
public:
    // keep_comments: collect the comment and blank lines for take_comments() (the converter's reader).
    ConfLexer(std::string_view text, std::string file, const LoadOptions& options, bool keep_comments = false);

    // The next line with words (comments and blank lines skipped); false at the end of the text.
    [[nodiscard]] Result<bool> next(ConfLine& out);
    // The next logical line's raw text (for skipping a false conditional without tokenising it).
    [[nodiscard]] Result<bool> next_raw(std::string& raw, Location& where);
    // Warnings about the last line next() returned (an unset %{env:NAME}, expanded to nothing as in ProFTPD).
    [[nodiscard]] const std::vector<std::pair<Location, std::string>>& line_warnings() const noexcept {
        return line_warnings_;
    }
    // The comment and blank lines next() skipped since the last call ("# text", or "" for a blank line; runs of
    // blank lines count once), handed over once.
    [[nodiscard]] std::vector<std::string> take_comments() { return std::exchange(skipped_, {}); }
    // The comment after the words of the last line next() returned ("# note"), or empty.
    [[nodiscard]] const std::string& line_comment() const noexcept { return line_comment_; }

private:
    struct Segment {
        std::size_t offset;  // in the logical line
        std::uint32_t line;
        std::uint32_t column;
    };
    [[nodiscard]] Result<bool> read_logical();
    [[nodiscard]] Location locate(std::size_t offset) const;
    [[nodiscard]] std::string expand_env(std::string word, const Location& where);

    std::string_view text_;
    std::string file_;
    const LoadOptions& options_;
    std::size_t pos_ = 0;
    std::uint32_t line_no_ = 0;
    std::string logical_;
    std::vector<Segment> segments_;
    std::vector<std::pair<Location, std::string>> line_warnings_;
    bool keep_comments_;
    std::vector<std::string> skipped_;
    std::string line_comment_;
};

}  // namespace ward::config
