// to_proftpd: the syntax tree (or a model's) as proftpd.conf text, comments where they stood, two spaces of
// indent per level, quoting only what the proftpd.conf reader would otherwise split, unescape or take for a
// comment.
#include "base/strings.hpp"
#include "config/load.hpp"
#include "config/syntax.hpp"

namespace ward::config {
namespace {

bool needs_quotes(std::string_view arg) {
    if (arg.empty() || arg.front() == '"' || arg.front() == '#' || arg.back() == '\\') {
        return true;
    }
    return arg.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
}

std::string word(std::string_view arg) {
    if (!needs_quotes(arg)) {
        return std::string(arg);
    }
    std::string out = "\"";
    for (const char c : arg) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
    return out;
}

void comment_lines(std::string& out, const std::vector<std::string>& lines, const std::string& indent) {
    for (const auto& line : lines) {
        out += line.empty() ? "\n" : str_cat(indent, line, "\n");
    }
}

// A section or conditional is set off by one blank line before it (with its comments) and after it, unless it
// opens its context; elsewhere blank lines stand as they stood.
void write(std::string& out, const SyntaxNode& context, std::size_t depth) {
    const std::string indent(depth * 2, ' ');
    bool after_block = false;
    for (std::size_t i = 0; i < context.body.size(); ++i) {
        const SyntaxNode& node = context.body[i];
        const bool block = node.kind == NodeKind::section || node.kind == NodeKind::if_module ||
                           node.kind == NodeKind::if_define;
        auto first = node.comments.begin();
        if (block || after_block) {
            while (first != node.comments.end() && first->empty()) {
                ++first;
            }
            out += i == 0 ? "" : "\n";
        }
        comment_lines(out, std::vector<std::string>(first, node.comments.end()), indent);
        after_block = block;
        out += indent + (block ? "<" : "") + node.name.text;
        for (const auto& a : node.args) {
            out += ' ';
            out += word(a.text);
        }
        out += block ? ">" : "";
        out += node.line_comment.empty() ? "\n" : str_cat(" ", node.line_comment, "\n");
        if (block) {
            write(out, node, depth + 1);
            out += str_cat(indent, "</", node.name.text, ">\n");
        }
    }
    comment_lines(out, context.trailing, indent);
}

}  // namespace

std::string to_proftpd(const SyntaxTree& tree) {
    std::string out;
    write(out, tree.root, 0);
    return out;
}

std::string to_proftpd(const Config& config) { return to_proftpd(syntax_of(config)); }

}  // namespace ward::config
