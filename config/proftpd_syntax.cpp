// proftpd.conf text into the syntax tree: every line kept where it stands, nothing evaluated (both branches of
// every conditional, Include as a line). Loading goes through proftpd_parser.cpp; this is what the converter reads.
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/conf_lexer.hpp"
#include "config/registry.hpp"
#include "config/syntax.hpp"

namespace ward::config {
namespace {

class SyntaxReader {
public:
    SyntaxReader(std::string_view text, const std::string& name, const LoadOptions& options)
        : lexer_(text, name, options, true), name_(name), limits_(options.limits) {}

    Result<SyntaxTree> run() {
        SyntaxTree tree;
        tree.source = name_;
        tree.root.kind = NodeKind::section;
        tree.root.name = Token{std::string(context_name(ContextKind::server)), Location{name_, 1, 1}};
        std::vector<SyntaxNode*> open{&tree.root};
        ConfLine line;
        while (true) {
            auto got = lexer_.next(line);
            if (!got) {
                return std::move(got).error();
            }
            if (!*got) {
                break;
            }
            SyntaxNode node;
            node.comments = printable(lexer_.take_comments());
            node.line_comment = printable_comment(lexer_.line_comment());
            const Token& head = line.words.front();
            if (auto s = section_line(line)) {
                if (s->closing) {
                    if (!node.line_comment.empty()) {  // "</Directory> # note": kept, just before the tag
                        node.comments.push_back(node.line_comment);
                    }
                    if (auto closed = close(open, *s, head, std::move(node.comments)); !closed) {
                        return std::move(closed).error();
                    }
                    continue;
                }
                if (open.size() > limits_.max_nesting_depth) {
                    return error_at(head.where, str_cat("sections nested too deeply (the limit is ",
                                                        limits_.max_nesting_depth, " levels)"));
                }
                if (auto opened = opening(node, *s, head); !opened) {
                    return std::move(opened).error();
                }
                open.back()->body.push_back(std::move(node));
                open.push_back(&open.back()->body.back());
                continue;
            }
            node.args.assign(line.words.begin() + 1, line.words.end());
            if (iequals(head.text, "Include")) {
                if (node.args.size() != 1) {
                    return error_at(head.where, str_cat("Include takes 1 argument, not ", node.args.size(),
                                                        " (syntax: Include /path|/pattern)"));
                }
                node.kind = NodeKind::include;
                node.name = Token{"Include", head.where};
            } else if (section_kind(head.text) || conditional_kind(head.text) || iequals(head.text, "Continue")) {
                // only possible inside a conditional that does not hold here, which ProFTPD skips unread
                return error_at(head.where, str_cat("'", head.text, "' without <> names a section: this line has no "
                                                                    "TOML form, so this file cannot be converted"));
            } else {
                const DirectiveSpec* spec = registry_.find(head.text);
                node.name = Token{spec != nullptr ? spec->name : head.text, head.where};
            }
            open.back()->body.push_back(std::move(node));
        }
        if (open.size() > 1) {
            const SyntaxNode& last = *open.back();
            return error_at(last.name.where, str_cat("<", last.name.text, "> is not closed before the end of ", name_));
        }
        tree.root.trailing = drop_blanks(printable(lexer_.take_comments()));
        return tree;
    }

private:
    static std::vector<std::string> printable(std::vector<std::string> lines) {
        for (auto& line : lines) {
            line = printable_comment(line);
        }
        return lines;
    }

    static std::vector<std::string> drop_blanks(std::vector<std::string> lines) {
        std::erase(lines, std::string());
        return lines;
    }

    Result<void> opening(SyntaxNode& node, const SectionLine& s, const Token& head) const {
        node.args = s.args;
        if (const auto cond = conditional_kind(s.name)) {
            if (s.args.size() != 1) {
                return error_at(head.where, str_cat("<", conditional_name(*cond), "> takes 1 argument, not ",
                                                    s.args.size()));
            }
            node.kind = *cond == Conditional::if_module ? NodeKind::if_module : NodeKind::if_define;
            node.name = Token{std::string(conditional_name(*cond)), head.where};
            return {};
        }
        const auto kind = section_kind(s.name);
        if (!kind || *kind == ContextKind::server) {
            return error_at(head.where, str_cat("<", s.name, "> has no TOML form in wardftpd, so this file cannot "
                                                             "be converted"));
        }
        if (*kind == ContextKind::global && !s.args.empty()) {  // (only where it is skipped unread)
            return error_at(s.args[0].where, "<Global> takes no arguments");
        }
        node.kind = NodeKind::section;
        node.section = *kind;
        node.name = Token{std::string(context_name(*kind)), head.where};
        return {};
    }

    Result<void> close(std::vector<SyntaxNode*>& open, const SectionLine& s, const Token& head,
                       std::vector<std::string> comments) const {
        if (open.size() == 1) {
            return error_at(head.where, str_cat("</", s.name, "> without a matching <", s.name, "> in ", name_));
        }
        SyntaxNode& top = *open.back();
        if (!iequals(top.name.text, s.name)) {
            return error_at(head.where, str_cat("</", s.name, "> does not close the section opened at ",
                                                to_string(top.name.where)));
        }
        top.trailing = drop_blanks(std::move(comments));
        open.pop_back();
        return {};
    }

    ConfLexer lexer_;
    std::string name_;
    Registry registry_;
    Limits limits_;
};

}  // namespace

Result<SyntaxTree> parse_proftpd_syntax(std::string_view text, const std::string& name, const LoadOptions& options) {
    SyntaxReader reader(text, name, options);
    return reader.run();
}

Result<SyntaxTree> read_syntax_file(const std::string& path, const LoadOptions& options) {
    auto text = sys::read_file(path, options.limits.max_file_bytes);
    if (!text) {
        return Error{str_cat(path, ": ", text.error().message)};
    }
    if (path.ends_with(".toml")) {
        return parse_toml_syntax(*text, path);
    }
    return parse_proftpd_syntax(*text, path, options);
}

}  // namespace ward::config
