// to_proftpd: the model as proftpd.conf text, quoting only what the proftpd.conf reader would otherwise split,
// unescape or take for a comment.
#include "base/strings.hpp"
#include "config/load.hpp"

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

void write(std::string& out, const Context& c, std::size_t depth) {
    const std::string indent(depth * 2, ' ');
    for (const auto& d : c.directives) {
        out += indent + d.name;
        for (const auto& a : d.args) {
            out += ' ';
            out += word(a);
        }
        out += '\n';
    }
    for (const auto& child : c.children) {
        out += str_cat(indent, "<", context_name(child.kind));
        for (const auto& a : child.args) {
            out += ' ';
            out += word(a);
        }
        out += ">\n";
        write(out, child, depth + 1);
        out += str_cat(indent, "</", context_name(child.kind), ">\n");
    }
}

}  // namespace

std::string to_proftpd(const Config& config) {
    std::string out = str_cat("# wardftpd configuration, converted from ", escape_for_log(config.source), "\n");
    write(out, config.root, 0);
    return out;
}

}  // namespace ward::config
