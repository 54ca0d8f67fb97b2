// to_toml: the syntax tree (or a model's) as TOML in the mapping config/README.md documents: comments before
// what they preceded, sections and conditionals as arrays of tables named by their path from the root, Include
// as a key, and a run of one directive as an array of argument arrays.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <span>

#include "base/strings.hpp"
#include "config/load.hpp"
#include "config/registry.hpp"
#include "config/syntax.hpp"

namespace ward::config {
namespace {

std::string quote(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    constexpr std::string_view kHex = "0123456789ABCDEF";
                    out += "\\u00";
                    out += kHex[c >> 4U];
                    out += kHex[c & 0xFU];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

bool canonical_integer(std::string_view text) {
    if (text.empty() || text.size() > 18 || (text.size() > 1 && text.front() == '0')) {
        return false;
    }
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size() && value >= 0;
}

std::string scalar(std::string_view arg) {
    if (arg == "on") {
        return "true";
    }
    if (arg == "off") {
        return "false";
    }
    if (canonical_integer(arg)) {
        return std::string(arg);
    }
    return quote(arg);
}

std::string array(const std::vector<std::string>& args) {
    std::string out = "[";
    for (std::size_t i = 0; i < args.size(); ++i) {
        out += i == 0 ? "" : ", ";
        out += scalar(args[i]);
    }
    out += "]";
    return out;
}

bool bare_key(std::string_view key) {
    if (key.empty()) {
        return false;
    }
    for (const char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string key_of(std::string_view name) { return bare_key(name) ? std::string(name) : quote(name); }

std::string array_of_strings(const std::vector<Token>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : ", ";
        out += quote(items[i].text);
    }
    out += "]";
    return out;
}

std::vector<std::string> texts(const std::vector<Token>& tokens) {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) {
        out.push_back(t.text);
    }
    return out;
}

std::string_view argument_key(const SyntaxNode& node) {
    switch (node.kind) {
        case NodeKind::if_module:
            return "module";
        case NodeKind::if_define:
            return "define";
        case NodeKind::section:
            switch (node.section) {
                case ContextKind::virtual_host:
                    return "address";
                case ContextKind::anonymous:
                case ContextKind::directory:
                    return "path";
                case ContextKind::limit:
                    return "commands";
                default:
                    return {};
            }
        default:
            return {};
    }
}

bool is_key(const SyntaxNode& node) { return node.kind == NodeKind::directive || node.kind == NodeKind::include; }

// The syntax tree as TOML. A TOML table's keys must come before its sub-tables, and a key cannot repeat in
// one table: a directive that follows a section or conditional, or repeats a key of its table other than in a
// run, opens a [[Continue]] table of its context, so every item keeps its place.
class TomlWriter {
public:
    std::string run(const SyntaxTree& tree) {
        Table root;
        write_items(tree.root, "", root);
        if (out_.starts_with('\n')) {
            out_.erase(0, 1);
        }
        return std::move(out_);
    }

private:
    struct Table {
        bool keys_open = true;          // no sub-table written since this table's header
        std::vector<std::string> used;  // keys written in it
    };

    static std::string join(const std::string& path, std::string_view name) {
        return path.empty() ? std::string(name) : str_cat(path, ".", name);
    }

    void comment_lines(const std::vector<std::string>& lines, bool before_header) {
        bool leading_blank = before_header;
        for (const auto& line : lines) {
            if (line.empty() && leading_blank) {
                continue;  // a header is always set off by one blank line
            }
            leading_blank = false;
            out_ += printable_comment(line);
            out_ += '\n';
        }
    }

    std::string value_of(const SyntaxNode& d) const {
        const auto* spec = registry_.find(d.name.text);
        const bool flag = spec != nullptr && spec->max_args == 0;
        if (d.args.empty()) {
            return flag ? std::string("true") : std::string("[]");
        }
        if (d.args.size() == 1 && !flag) {  // `DenyAll on` (only where it is skipped) is not `DenyAll = true`
            return scalar(d.args.front().text);
        }
        return array(texts(d.args));
    }

    // items [from, to) are one key: a run of one directive (or Include) with no comments between them.
    void write_key(std::span<const SyntaxNode> run, bool after_header) {
        const SyntaxNode& first = run.front();
        comment_lines(first.comments, after_header);
        out_ += key_of(first.name.text);
        out_ += " = ";
        if (run.size() == 1) {
            out_ += first.kind == NodeKind::include ? quote(first.args.at(0).text) : value_of(first);
        } else if (first.kind == NodeKind::include) {
            std::vector<Token> patterns;
            for (const auto& n : run) {
                patterns.push_back(n.args.at(0));
            }
            out_ += array_of_strings(patterns);
        } else {
            out_ += "[\n";
            for (const auto& n : run) {
                if (&n != &run.front()) {
                    for (const auto& line : n.comments) {
                        out_ += line.empty() ? "\n" : str_cat("  ", printable_comment(line), "\n");
                    }
                }
                out_ += str_cat("  ", array(texts(n.args)), ",\n");
            }
            out_ += "]";
        }
        if (!run.back().line_comment.empty()) {
            out_ += str_cat(" ", printable_comment(run.back().line_comment));
        }
        out_ += '\n';
    }

    void write_items(const SyntaxNode& context, const std::string& path, Table& table) {
        const auto& body = context.body;
        std::size_t i = 0;
        while (i < body.size()) {
            const SyntaxNode& node = body[i];
            if (!is_key(node)) {
                out_ += '\n';
                comment_lines(node.comments, true);
                const std::string child_path = join(path, node.name.text);
                out_ += str_cat("[[", child_path, "]]");
                out_ += node.line_comment.empty() ? "\n" : str_cat(" ", printable_comment(node.line_comment), "\n");
                if (const auto arg_key = argument_key(node); !arg_key.empty()) {
                    const bool single = node.args.size() == 1 && node.section != ContextKind::limit;
                    out_ += str_cat(arg_key, " = ", single ? quote(node.args[0].text) : array_of_strings(node.args),
                                    "\n");
                }
                Table child;
                if (const auto arg_key = argument_key(node); !arg_key.empty()) {
                    child.used.emplace_back(arg_key);  // a directive of that name goes into a [[Continue]]
                }
                write_items(node, child_path, child);
                table.keys_open = false;
                ++i;
                continue;
            }
            std::size_t end = i + 1;
            while (end < body.size() && body[end].kind == node.kind && iequals(body[end].name.text, node.name.text) &&
                   (body[end].comments.empty() || node.kind == NodeKind::directive) &&
                   body[end - 1].line_comment.empty()) {
                ++end;
            }
            const std::string key = to_lower(node.name.text);
            const bool continued =
                !table.keys_open || std::find(table.used.begin(), table.used.end(), key) != table.used.end();
            if (continued) {
                out_ += str_cat("\n[[", join(path, "Continue"), "]]\n");
                table = Table{};
            }
            write_key(std::span<const SyntaxNode>(body).subspan(i, end - i), continued);
            table.used.push_back(key);
            i = end;
        }
        if (!context.trailing.empty()) {
            if (!table.keys_open) {
                out_ += str_cat("\n[[", join(path, "Continue"), "]]\n");
            }
            comment_lines(context.trailing, false);
        }
    }

    Registry registry_;
    std::string out_;
};

}  // namespace

std::string to_toml(const SyntaxTree& tree) {
    TomlWriter writer;
    return writer.run(tree);
}

std::string to_toml(const Config& config) { return to_toml(syntax_of(config)); }

}  // namespace ward::config
