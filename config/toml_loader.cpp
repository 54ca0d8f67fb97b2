// The TOML front end (tomlplusplus): TOML text into the syntax tree (syntax.hpp), which syntax_eval.cpp feeds to
// the builder exactly as the proftpd.conf front end feeds it. The mapping is documented in config/README.md:
// directives are keys, sections are (arrays of) tables named for their kind, [[IfModule]]/[[IfDefine]] are
// conditional tables evaluated where they stand, Include is a key, and [[Continue]] carries a context's
// directives on after one of its tables. Entries are taken in document order (by source position).
//
// Comments: the comment lines right above a key or a table header are its comments; comment lines right under a
// table's last line, ended by a blank line, a [[Continue]] header or the end of the file, close that table
// (its trailing comments, written before its closing tag in proftpd.conf).
#include <algorithm>
#include <exception>
#include <toml++/toml.h>

#include "base/strings.hpp"
#include "config/frontends.hpp"
#include "config/syntax.hpp"

namespace ward::config {
namespace {

constexpr std::string_view kContinue = "Continue";

struct Entry {
    std::string key;
    const toml::node* node;
    Location where;      // of the key (or of the table header, for tables)
    Location key_where;  // of the key itself
    bool element = false;  // one table of an array of tables ([[key]])
    std::string subject;   // [IfModule."mod_x.c"] (the earlier form of conditionals): the condition
};

std::uint32_t clamp32(std::uint64_t v) { return static_cast<std::uint32_t>(std::min<std::uint64_t>(v, UINT32_MAX)); }

Location location(const std::string& file, const toml::source_region& region) {
    return Location{file, clamp32(region.begin.line), clamp32(region.begin.column)};
}

bool before(const Location& a, const Location& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
}

// The key that holds a section's arguments.
std::string_view argument_key(ContextKind kind) {
    switch (kind) {
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
}

// The text's lines, each a comment, blank, or anything else (keys, headers, the inside of multi-line values).
class Lines {
public:
    enum class Kind : std::uint8_t { comment, blank, content };

    // headers: the lines of the document's [table] and [[array]] headers.
    Lines(std::string_view text, std::vector<std::uint32_t> headers) : headers_(std::move(headers)) {
        std::sort(headers_.begin(), headers_.end());
        bool in_multiline = false;
        for (const auto line : split(text, '\n')) {
            const std::string_view t = trim(line);
            Kind kind = Kind::content;
            if (!in_multiline && t.starts_with('#')) {
                kind = Kind::comment;
            } else if (!in_multiline && t.empty()) {
                kind = Kind::blank;
            }
            const auto quotes = kind == Kind::content ? count(t, "\"\"\"") + count(t, "'''") : 0;
            if (quotes % 2 == 1) {
                in_multiline = !in_multiline;
            }
            lines_.push_back(Line{std::string(line.ends_with('\r') ? line.substr(0, line.size() - 1) : line),
                                  std::string(t), kind});
        }
    }

    [[nodiscard]] Kind kind(std::uint32_t n) const { return n >= 1 && n <= lines_.size() ? lines_[n - 1].kind : Kind::content; }
    [[nodiscard]] std::uint32_t size() const { return static_cast<std::uint32_t>(lines_.size()); }
    [[nodiscard]] const std::string& trimmed(std::uint32_t n) const { return lines_.at(n - 1).trimmed; }
    [[nodiscard]] const std::string& raw(std::uint32_t n) const { return lines_.at(n - 1).raw; }

    // The comment lines that close the region ending on line `end`: those right under it, up to a blank line, a
    // [[...Continue]] header or the end of the file (not when a table header follows them directly: they are its
    // comments). Also the last line they take.
    [[nodiscard]] std::pair<std::vector<std::string>, std::uint32_t> trailing_after(std::uint32_t end) const {
        std::vector<std::string> out;
        std::uint32_t n = end + 1;
        while (n <= size() && kind(n) != Kind::content) {
            ++n;
        }
        if (n > size()) {  // the end of the file: every comment line below
            for (std::uint32_t k = end + 1; k <= size(); ++k) {
                if (kind(k) == Kind::comment) {
                    out.push_back(trimmed(k));
                }
            }
            return {out, size()};
        }
        if (end == 0) {  // comments above the first key or header are its own
            return {out, 0};
        }
        std::uint32_t k = end + 1;
        while (k <= size() && kind(k) == Kind::comment) {
            out.push_back(trimmed(k));
            ++k;
        }
        const bool header_next = is_header(n);  // a key or an array element next: the same table goes on
        const bool closed = header_next && k <= size() && (kind(k) == Kind::blank || is_continue_header(k));
        if (!closed) {
            return {{}, end};
        }
        return {out, k - 1};
    }

    // The comment and blank lines right above line n (down from the nearest content line), without those that
    // close the region above.
    [[nodiscard]] std::vector<std::string> leading(std::uint32_t n) const {
        std::uint32_t top = n;
        while (top > 1 && kind(top - 1) != Kind::content) {
            --top;
        }
        const std::uint32_t claimed = top > 1 ? trailing_after(top - 1).second : 0;
        std::vector<std::string> out;
        for (std::uint32_t k = std::max(top, claimed + 1); k < n; ++k) {
            const std::string& text = kind(k) == Kind::comment ? trimmed(k) : std::string();
            if (!text.empty() || out.empty() || !out.back().empty()) {
                out.push_back(text);
            }
        }
        return out;
    }

    // "[[Directory]] # note": the comment after a header on its line, or empty.
    [[nodiscard]] std::string header_comment(std::uint32_t n) const {
        if (!is_header(n)) {
            return {};
        }
        const std::string& t = trimmed(n);
        const auto close = t.find(t.starts_with("[[") ? "]]" : "]");
        if (close == std::string::npos) {
            return {};
        }
        const std::string_view rest = trim(std::string_view(t).substr(close + (t.starts_with("[[") ? 2 : 1)));
        return rest.starts_with('#') ? std::string(rest) : std::string();
    }
    [[nodiscard]] bool is_header(std::uint32_t n) const {
        return std::binary_search(headers_.begin(), headers_.end(), n);
    }
    [[nodiscard]] bool is_continue_header(std::uint32_t n) const {
        const std::string& t = trimmed(n);
        return is_header(n) && (t.find(str_cat(".", kContinue, "]]")) != std::string::npos ||
                                t.starts_with(str_cat("[[", kContinue, "]]")));
    }

private:
    static std::size_t count(std::string_view text, std::string_view what) {
        std::size_t n = 0;
        for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
            ++n;
        }
        return n;
    }

    struct Line {
        std::string raw;
        std::string trimmed;
        Kind kind;
    };
    std::vector<Line> lines_;
    std::vector<std::uint32_t> headers_;
};

// The header line of every table written as [name] or [[name]] (not inline, not implicit).
void collect_headers(const toml::table& table, std::vector<std::uint32_t>& out) {
    for (const auto& [key, node] : table) {
        if (const auto* t = node.as_table(); t != nullptr && !t->is_inline()) {
            out.push_back(clamp32(t->source().begin.line));
            collect_headers(*t, out);
        } else if (const auto* array = node.as_array(); array != nullptr && array->is_array_of_tables()) {
            for (const auto& element : *array) {
                if (const auto* e = element.as_table(); e != nullptr && !e->is_inline()) {
                    out.push_back(clamp32(e->source().begin.line));
                    collect_headers(*e, out);
                }
            }
        }
    }
}

class TomlReader {
public:
    TomlReader(std::string file, const Lines& lines) : file_(std::move(file)), lines_(lines) {}

    // Appends the items of table (minus skip_key) to body; its closing comments to trailing.
    Result<void> walk(const toml::table& table, std::string_view skip_key, std::vector<SyntaxNode>& body,
                      std::vector<std::string>& trailing, std::uint32_t header_line);

private:
    Result<std::string> scalar(const toml::node& node, std::string_view key) const;
    Result<std::vector<Token>> scalars(const toml::node& node, std::string_view key, bool allow_single) const;
    Result<void> directive(const Entry& e, std::vector<SyntaxNode>& body) const;
    Result<void> section(ContextKind kind, const Entry& e, std::vector<SyntaxNode>& body);
    Result<void> conditional(const Entry& e, bool is_module, std::vector<SyntaxNode>& body);
    Result<void> legacy_conditional(const Entry& e, bool is_module, std::vector<SyntaxNode>& body);
    Result<void> include(const Entry& e, std::vector<SyntaxNode>& body) const;
    [[nodiscard]] std::vector<Entry> entries(const toml::table& table) const;
    [[nodiscard]] std::string line_comment(const toml::node& value) const;

    std::string file_;
    const Lines& lines_;
    Registry registry_;
};

std::vector<Entry> TomlReader::entries(const toml::table& table) const {
    std::vector<Entry> out;
    for (const auto& [key, node] : table) {
        const Location key_where = location(file_, key.source());
        const auto* array = node.as_array();
        if (array != nullptr && !array->empty() && array->is_array_of_tables()) {
            for (const auto& element : *array) {
                out.push_back(
                    Entry{std::string(key.str()), &element, location(file_, element.source()), key_where, true, {}});
            }
            continue;
        }
        const auto* conditions = node.as_table();
        if (conditions != nullptr && (iequals(key.str(), "IfModule") || iequals(key.str(), "IfDefine"))) {
            for (const auto& [subject, body] : *conditions) {  // each condition where its own header stands
                out.push_back(Entry{std::string(key.str()), &body, location(file_, body.source()),
                                    location(file_, subject.source()), false, std::string(subject.str())});
            }
            continue;
        }
        const Location where = node.is_table() ? location(file_, node.source()) : key_where;
        out.push_back(Entry{std::string(key.str()), &node, where, key_where, false, {}});
    }
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return before(a.where, b.where); });
    return out;
}

std::string TomlReader::line_comment(const toml::node& value) const {
    const auto end = value.source().end;
    if (end.line == 0 || end.line > lines_.size()) {
        return {};
    }
    const std::string& raw = lines_.raw(clamp32(end.line));
    const std::size_t from = std::min<std::size_t>(end.column > 0 ? end.column - 1 : 0, raw.size());
    const std::string_view rest = trim(std::string_view(raw).substr(from));
    return rest.starts_with('#') ? std::string(rest) : std::string();
}

Result<std::string> TomlReader::scalar(const toml::node& node, std::string_view key) const {
    if (const auto* s = node.as_string()) {
        return s->get();
    }
    if (const auto* i = node.as_integer()) {
        return str_cat(i->get());
    }
    if (const auto* b = node.as_boolean()) {
        return std::string(b->get() ? "on" : "off");
    }
    return error_at(location(file_, node.source()),
                    str_cat(key, ": expected a string, an integer or a boolean, not a TOML ",
                            node.is_table() ? "table" : node.is_array() ? "array" : "float, date or time"));
}

Result<std::vector<Token>> TomlReader::scalars(const toml::node& node, std::string_view key, bool allow_single) const {
    std::vector<Token> out;
    if (const auto* array = node.as_array()) {
        for (const auto& element : *array) {
            auto value = scalar(element, key);
            if (!value) {
                return std::move(value).error();
            }
            out.push_back(Token{std::move(*value), location(file_, element.source())});
        }
        return out;
    }
    if (!allow_single) {
        return error_at(location(file_, node.source()), str_cat(key, ": expected an array"));
    }
    auto value = scalar(node, key);
    if (!value) {
        return std::move(value).error();
    }
    out.push_back(Token{std::move(*value), location(file_, node.source())});
    return out;
}

Result<void> TomlReader::directive(const Entry& e, std::vector<SyntaxNode>& body) const {
    if (e.node->is_table()) {
        return error_at(e.key_where, str_cat(e.key, ": a directive's value must be a string, integer, boolean or "
                                                    "array, not a table (sections are Global, VirtualHost, "
                                                    "Anonymous, Directory and Limit)"));
    }
    SyntaxNode node;
    node.name = Token{e.key, e.key_where};
    node.comments = lines_.leading(e.key_where.line);
    const auto* array = e.node->as_array();
    if (array != nullptr && !array->empty() && array->front().is_array()) {
        for (const auto& occurrence : *array) {
            if (!occurrence.is_array()) {
                return error_at(location(file_, occurrence.source()),
                                str_cat(e.key, ": mix of arrays and values; write every occurrence as an array"));
            }
            auto args = scalars(occurrence, e.key, false);
            if (!args) {
                return std::move(args).error();
            }
            SyntaxNode one;
            one.name = node.name;
            one.comments = &occurrence == &array->front() ? std::exchange(node.comments, {})
                                                           : lines_.leading(clamp32(occurrence.source().begin.line));
            one.args = std::move(*args);
            body.push_back(std::move(one));
        }
        return {};
    }
    auto args = scalars(*e.node, e.key, true);
    if (!args) {
        return std::move(args).error();
    }
    const DirectiveSpec* spec = registry_.find(e.key);
    if (spec != nullptr) {
        node.name.text = spec->name;
    }
    if (const auto* flag = e.node->as_boolean()) {
        node.boolean = flag->get();
        if (flag->get() && spec != nullptr && spec->max_args == 0) {
            args->clear();  // `DenyAll = true`: the directive, without arguments
        }
    }
    node.args = std::move(*args);
    node.line_comment = line_comment(*e.node);
    body.push_back(std::move(node));
    return {};
}

Result<void> TomlReader::section(ContextKind kind, const Entry& e, std::vector<SyntaxNode>& body) {
    const auto* table = e.node->as_table();
    if (table == nullptr) {
        return error_at(e.key_where, str_cat(e.key, ": a section must be a table ([", e.key, "]) or an array of "
                                                    "tables ([[", e.key, "]])"));
    }
    SyntaxNode node;
    node.kind = NodeKind::section;
    node.section = kind;
    node.name = Token{std::string(context_name(kind)), e.where};
    node.comments = lines_.leading(e.where.line);
    node.line_comment = lines_.header_comment(e.where.line);
    const std::string_view arg_key = argument_key(kind);
    if (!arg_key.empty()) {
        const toml::node* value = table->get(arg_key);
        if (value == nullptr) {
            return error_at(e.where, str_cat("[[", e.key, "]] needs ", arg_key, " = ..."));
        }
        auto got = scalars(*value, arg_key, true);
        if (!got) {
            return std::move(got).error();
        }
        node.args = std::move(*got);
    }
    if (auto walked = walk(*table, arg_key, node.body, node.trailing, e.where.line); !walked) {
        return walked;
    }
    body.push_back(std::move(node));
    return {};
}

// [[IfModule]] module = "mod_x.c" / [[IfDefine]] define = "NAME", with the directives and sections they hold.
Result<void> TomlReader::conditional(const Entry& e, bool is_module, std::vector<SyntaxNode>& body) {
    const auto* table = e.node->as_table();
    if (table == nullptr || e.node == nullptr) {
        return error_at(e.key_where, str_cat(e.key, ": expected [[", e.key, "]] with ",
                                             is_module ? "module = \"mod_x.c\"" : "define = \"NAME\""));
    }
    if (!e.element) {
        return legacy_conditional(e, is_module, body);
    }
    const std::string_view subject_key = is_module ? "module" : "define";
    const toml::node* subject = table->get(subject_key);
    if (subject == nullptr || !subject->is_string()) {
        return error_at(e.where, str_cat("[[", e.key, "]] needs ", subject_key, " = \"", is_module ? "mod_x.c" : "NAME",
                                         "\" (\"!...\" negates)"));
    }
    SyntaxNode node;
    node.kind = is_module ? NodeKind::if_module : NodeKind::if_define;
    node.name = Token{is_module ? "IfModule" : "IfDefine", e.where};
    node.comments = lines_.leading(e.where.line);
    node.line_comment = lines_.header_comment(e.where.line);
    node.args.push_back(Token{subject->as_string()->get(), location(file_, subject->source())});
    if (auto walked = walk(*table, subject_key, node.body, node.trailing, e.where.line); !walked) {
        return walked;
    }
    body.push_back(std::move(node));
    return {};
}

// The earlier form, still read: [IfModule."mod_x.c"] / [IfDefine.NAME], one condition per table.
Result<void> TomlReader::legacy_conditional(const Entry& e, bool is_module, std::vector<SyntaxNode>& body) {
    if (e.subject.empty() || e.subject == "!") {
        return error_at(e.key_where, str_cat(e.key, ": a name is required"));
    }
    SyntaxNode node;
    node.kind = is_module ? NodeKind::if_module : NodeKind::if_define;
    node.name = Token{is_module ? "IfModule" : "IfDefine", e.where};
    node.comments = lines_.leading(e.where.line);
    node.line_comment = lines_.header_comment(e.where.line);
    node.args.push_back(Token{e.subject, e.key_where});
    if (auto walked = walk(*e.node->as_table(), {}, node.body, node.trailing, e.where.line); !walked) {
        return walked;
    }
    body.push_back(std::move(node));
    return {};
}

Result<void> TomlReader::include(const Entry& e, std::vector<SyntaxNode>& body) const {
    auto patterns = scalars(*e.node, e.key, true);
    if (!patterns) {
        return std::move(patterns).error();
    }
    std::vector<std::string> comments = lines_.leading(e.key_where.line);
    for (auto& pattern : *patterns) {
        SyntaxNode node;
        node.kind = NodeKind::include;
        node.name = Token{"Include", e.key_where};
        node.comments = std::exchange(comments, {});
        node.args.push_back(std::move(pattern));
        body.push_back(std::move(node));
    }
    if (!e.node->is_array()) {
        body.back().line_comment = line_comment(*e.node);
    }
    return {};
}

Result<void> TomlReader::walk(const toml::table& table, std::string_view skip_key, std::vector<SyntaxNode>& body,
                              std::vector<std::string>& trailing, std::uint32_t header_line) {
    std::uint32_t end = header_line;  // the last line of this table's own keys
    for (const auto& e : entries(table)) {
        Result<void> done;
        const bool is_table = e.node->is_table();
        if (!is_table) {
            end = std::max(end, clamp32(e.node->source().end.line));
        }
        if (!skip_key.empty() && e.key == skip_key) {
            continue;
        }
        if (iequals(e.key, "IfModule") || iequals(e.key, "IfDefine")) {
            done = conditional(e, iequals(e.key, "IfModule"), body);
        } else if (iequals(e.key, "Include")) {
            done = include(e, body);
        } else if (e.key == kContinue) {
            if (!is_table) {
                return error_at(e.key_where, "Continue: expected [[Continue]], a table of the enclosing section's "
                                             "directives");
            }
            std::vector<std::string> lead = lines_.leading(e.where.line);  // not written so; kept all the same
            const std::size_t first = body.size();
            done = walk(*e.node->as_table(), {}, body, trailing, e.where.line);
            if (done && std::any_of(lead.begin(), lead.end(), [](const std::string& l) { return !l.empty(); })) {
                auto& into = body.size() > first ? body[first].comments : trailing;
                into.insert(into.begin(), lead.begin(), lead.end());
            }
        } else if (const auto section_of = section_kind(e.key)) {
            done = section(*section_of, e, body);
        } else {
            done = directive(e, body);
        }
        if (!done) {
            return done;
        }
    }
    auto closing = lines_.trailing_after(end).first;
    trailing.insert(trailing.end(), closing.begin(), closing.end());
    return {};
}

}  // namespace

Result<SyntaxTree> parse_toml_syntax(std::string_view text, const std::string& name) {
    try {
        const toml::table document = toml::parse(text, name);
        std::vector<std::uint32_t> headers;
        collect_headers(document, headers);
        const Lines lines(text, std::move(headers));
        SyntaxTree tree;
        tree.source = name;
        tree.root.kind = NodeKind::section;
        tree.root.name = Token{std::string(context_name(ContextKind::server)), Location{name, 1, 1}};
        TomlReader reader(name, lines);
        if (auto walked = reader.walk(document, {}, tree.root.body, tree.root.trailing, 0); !walked) {
            return std::move(walked).error();
        }
        return tree;
    } catch (const toml::parse_error& e) {
        return error_at(location(name, e.source()), str_cat("TOML: ", e.description()));
    } catch (const std::exception& e) {
        return error_at(Location{name, 0, 0}, str_cat("TOML: ", e.what()));
    }
}

Result<void> parse_toml_into(ConfigBuilder& builder, std::string_view text, const std::string& name) {
    auto tree = parse_toml_syntax(text, name);
    if (!tree) {
        return std::move(tree).error();
    }
    return evaluate_syntax(builder, tree->root.body);
}

Result<Config> parse_toml_text(std::string_view text, std::string_view name, const LoadOptions& options) {
    ConfigBuilder builder(std::string(name), options);
    if (auto entered = builder.enter_file(std::string(name), text.size(), Location{std::string(name), 1, 1});
        !entered) {
        return std::move(entered).error();
    }
    if (auto parsed = parse_toml_into(builder, text, std::string(name)); !parsed) {
        return std::move(parsed).error();
    }
    return builder.finish();
}

}  // namespace ward::config
