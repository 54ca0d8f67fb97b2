// The structure of a model, and the structural comparison of two syntax trees (the converter's round trip).
#include "config/syntax.hpp"

#include "base/strings.hpp"

namespace ward::config {
namespace {

void add_context(SyntaxNode& into, const Context& context) {
    for (const auto& d : context.directives) {
        SyntaxNode node;
        node.name = Token{d.name, d.where};
        for (const auto& arg : d.args) {
            node.args.push_back(Token{arg, d.where});
        }
        into.body.push_back(std::move(node));
    }
    for (const auto& child : context.children) {
        SyntaxNode node;
        node.kind = NodeKind::section;
        node.section = child.kind;
        node.name = Token{std::string(context_name(child.kind)), child.where};
        for (const auto& arg : child.args) {
            node.args.push_back(Token{arg, child.where});
        }
        add_context(node, child);
        into.body.push_back(std::move(node));
    }
}

std::vector<std::string> comment_text(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

std::string describe(const SyntaxNode& node) {
    std::string out = node.name.text;
    for (const auto& arg : node.args) {
        out += str_cat(" ", arg.text);
    }
    return str_cat("'", out, "' (", to_string(node.name.where), ")");
}

std::string compare(const SyntaxNode& a, const SyntaxNode& b) {
    if (comment_text(a.trailing) != comment_text(b.trailing)) {
        return str_cat("the comments at the end of ", describe(a), " and ", describe(b), " differ");
    }
    for (std::size_t i = 0; i < std::max(a.body.size(), b.body.size()); ++i) {
        if (i >= a.body.size() || i >= b.body.size()) {
            const SyntaxNode& extra = i < a.body.size() ? a.body[i] : b.body[i];
            return str_cat(describe(extra), " is on one side only");
        }
        const SyntaxNode& x = a.body[i];
        const SyntaxNode& y = b.body[i];
        std::vector<std::string> xa;
        std::vector<std::string> ya;
        for (const auto& t : x.args) {
            xa.push_back(t.text);
        }
        for (const auto& t : y.args) {
            ya.push_back(t.text);
        }
        if (x.kind != y.kind || !iequals(x.name.text, y.name.text) || xa != ya) {
            return str_cat(describe(x), " differs from ", describe(y));
        }
        if (comment_text(x.comments) != comment_text(y.comments) || x.line_comment != y.line_comment) {
            return str_cat("the comments of ", describe(x), " and ", describe(y), " differ");
        }
        if (auto inner = compare(x, y); !inner.empty()) {
            return inner;
        }
    }
    return {};
}

}  // namespace

std::string printable_comment(std::string_view line) {
    std::string out(line);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            c = ' ';
        }
    }
    return out;
}

SyntaxTree syntax_of(const Config& config) {
    SyntaxTree tree;
    tree.source = config.source;
    tree.root.kind = NodeKind::section;
    tree.root.name = Token{std::string(context_name(ContextKind::server)), config.root.where};
    add_context(tree.root, config.root);
    return tree;
}

std::string structure_difference(const SyntaxTree& a, const SyntaxTree& b) { return compare(a.root, b.root); }

std::string_view section_argument_key(ContextKind kind) {
    switch (kind) {
        case ContextKind::virtual_host:
            return "address";
        case ContextKind::anonymous:
        case ContextKind::directory:
            return "path";
        case ContextKind::limit:
            return "commands";
        case ContextKind::connection_class:
            return "name";
        default:
            return {};
    }
}

}  // namespace ward::config
