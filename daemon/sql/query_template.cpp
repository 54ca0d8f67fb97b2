#include "daemon/sql/query_template.hpp"

#include <algorithm>
#include <array>

#include "base/strings.hpp"

namespace ward::sql {
namespace {

// %a client IP, %A anonymous password, %b bytes, %d directory, %f real path, %F client's path, %h client
// host, %J arguments, %L local IP, %m verb, %p local port, %P session pid, %r command line, %s reply code,
// %S reply text, %T transfer seconds, %u user, %U login name, %v server name.
constexpr std::string_view kLetters = "aAbdfFhJLmpPrsSTuUv";
constexpr std::array<std::string_view, 4> kBraced = {"transfer-status", "transfer-millisecs", "protocol", "file-size"};

struct Scan {
    std::string_view rest;
    QueryTemplate out;
    std::string text;
};

// Reads one variable after '%'; returns its name or an error.
Result<std::string> read_variable(std::string_view& rest) {
    if (rest.empty()) {
        return Error{"a '%' at the end of the query"};
    }
    if (rest.front() == '{') {
        const auto close = rest.find('}');
        if (close == std::string_view::npos) {
            return Error{"an unterminated %{...} variable"};
        }
        std::string name(rest.substr(0, close + 1));
        rest.remove_prefix(close + 1);
        if (!known_variable(name)) {
            return Error{str_cat("%", name, " is not a variable wardftpd supports in SQL queries")};
        }
        return name;
    }
    std::string name(1, rest.front());
    rest.remove_prefix(1);
    if (!known_variable(name)) {
        return Error{str_cat("%", name, " is not a variable wardftpd supports in SQL queries")};
    }
    return name;
}

void add_variable(QueryTemplate& out, std::string& text, std::string name, bool cast) {
    out.text.push_back(std::move(text));
    text.clear();
    out.variables.push_back(std::move(name));
    out.cast_to_text.push_back(cast);
}

// A quoted literal starting after its opening quote; consumes through the closing quote.
Result<void> scan_literal(std::string_view& rest, QueryTemplate& out, std::string& text) {
    const auto close = [&]() -> std::size_t {
        for (std::size_t i = 0; i < rest.size(); ++i) {
            if (rest[i] == '\'') {
                if (i + 1 < rest.size() && rest[i + 1] == '\'') {
                    ++i;
                    continue;
                }
                return i;
            }
        }
        return std::string_view::npos;
    }();
    if (close == std::string_view::npos) {
        return Error{"an unterminated quoted string"};
    }
    std::string_view body = rest.substr(0, close);
    rest.remove_prefix(close + 1);
    if (body.find('%') == std::string_view::npos) {
        text += '\'';
        text += body;
        text += '\'';
        return {};
    }
    // Pieces of text and variables.
    std::vector<std::pair<bool, std::string>> pieces;  // (is variable, text or name)
    std::string chunk;
    while (!body.empty()) {
        const char c = body.front();
        body.remove_prefix(1);
        if (c == '%' && !body.empty() && body.front() == '%') {
            body.remove_prefix(1);
            chunk += '%';
            continue;
        }
        if (c != '%') {
            chunk += c;
            continue;
        }
        auto name = read_variable(body);
        if (!name) {
            return std::move(name).error();
        }
        if (!chunk.empty()) {
            pieces.emplace_back(false, std::move(chunk));
            chunk.clear();
        }
        pieces.emplace_back(true, std::move(*name));
    }
    if (!chunk.empty()) {
        pieces.emplace_back(false, std::move(chunk));
    }
    const bool any_variable = std::any_of(pieces.begin(), pieces.end(), [](const auto& p) { return p.first; });
    if (!any_variable) {  // only escaped '%%'
        text += '\'';
        text += pieces.empty() ? std::string() : pieces[0].second;
        text += '\'';
        return {};
    }
    if (pieces.size() == 1) {
        add_variable(out, text, pieces[0].second, false);
        return {};
    }
    text += '(';
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) {
            text += " || ";
        }
        if (pieces[i].first) {
            text += "CAST(";
            add_variable(out, text, pieces[i].second, true);
            text += " AS TEXT)";
        } else {
            text += '\'';
            text += pieces[i].second;
            text += '\'';
        }
    }
    text += ')';
    return {};
}

}  // namespace

bool known_variable(std::string_view name) noexcept {
    if (name.size() == 1) {
        return kLetters.find(name.front()) != std::string_view::npos;
    }
    if (name.size() > 2 && name.front() == '{' && name.back() == '}') {
        const auto inner = name.substr(1, name.size() - 2);
        if (inner.size() == 1 && inner.front() >= '0' && inner.front() <= '9') {
            return true;  // %{0}: the argument of a custom:/ lookup by id (not used by wardftpd's lookups)
        }
        return std::find(kBraced.begin(), kBraced.end(), inner) != kBraced.end();
    }
    return false;
}

Result<QueryTemplate> parse_query(std::string_view query) {
    QueryTemplate out;
    std::string text;
    std::string_view rest = query;
    while (!rest.empty()) {
        const char c = rest.front();
        rest.remove_prefix(1);
        if (c == '\'') {
            if (auto scanned = scan_literal(rest, out, text); !scanned) {
                return std::move(scanned).error();
            }
            continue;
        }
        if (c == '%' && !rest.empty() && rest.front() == '%') {
            rest.remove_prefix(1);
            text += '%';
            continue;
        }
        if (c != '%') {
            text += c;
            continue;
        }
        auto name = read_variable(rest);
        if (!name) {
            return std::move(name).error();
        }
        add_variable(out, text, std::move(*name), false);
    }
    out.text.push_back(std::move(text));
    return out;
}

QueryTemplate literal_query(std::string text) {
    QueryTemplate out;
    out.text.push_back(std::move(text));
    return out;
}

std::string render(const QueryTemplate& query, Placeholders style) {
    std::string out;
    for (std::size_t i = 0; i < query.variables.size(); ++i) {
        out += query.text[i];
        out += style == Placeholders::postgres ? '$' : '?';
        out += std::to_string(i + 1);
    }
    if (!query.text.empty()) {
        out += query.text.back();
    }
    return out;
}

std::vector<std::string> parameter_values(const QueryTemplate& query, const VariableValue& value) {
    std::vector<std::string> out;
    out.reserve(query.variables.size());
    for (const auto& name : query.variables) {
        out.push_back(value(name));
    }
    return out;
}

}  // namespace ward::sql
