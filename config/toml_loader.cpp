// The TOML front end (tomlplusplus). The mapping is documented in config/README.md: directives are keys,
// sections are (arrays of) tables named for their kind, IfModule/IfDefine are tables of conditions, Include is
// a key. Entries are taken in document order (by source position), so TOML and proftpd.conf build alike.
#include <algorithm>
#include <exception>
#include <toml++/toml.h>

#include "base/strings.hpp"
#include "config/frontends.hpp"

namespace ward::config {
namespace {

struct Entry {
    std::string key;
    const toml::node* node;
    Location where;      // of the key (or of the table header, for array-of-tables elements)
    Location key_where;  // of the key itself
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

class TomlWalker {
public:
    TomlWalker(ConfigBuilder& builder, std::string file) : builder_(builder), file_(std::move(file)) {}

    Result<void> walk(const toml::table& table, ContextKind kind);

private:
    Result<std::string> scalar(const toml::node& node, std::string_view key) const;
    Result<std::vector<Token>> scalars(const toml::node& node, std::string_view key, bool allow_single) const;
    Result<void> directive(const Entry& e);
    Result<void> section(ContextKind kind, const Entry& e);
    Result<void> conditional(const Entry& e, bool is_module);
    void warn_unprovided(const toml::table& body, std::string_view subject);
    Result<void> include(const Entry& e);
    std::vector<Entry> entries(const toml::table& table) const;

    ConfigBuilder& builder_;
    std::string file_;
};

std::vector<Entry> TomlWalker::entries(const toml::table& table) const {
    std::vector<Entry> out;
    for (const auto& [key, node] : table) {
        const Location key_where = location(file_, key.source());
        const auto* array = node.as_array();
        if (array != nullptr && !array->empty() && array->is_array_of_tables()) {
            for (const auto& element : *array) {
                out.push_back(Entry{std::string(key.str()), &element, location(file_, element.source()), key_where});
            }
            continue;
        }
        const Location where = node.is_table() ? location(file_, node.source()) : key_where;
        out.push_back(Entry{std::string(key.str()), &node, where, key_where});
    }
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return before(a.where, b.where); });
    return out;
}

Result<std::string> TomlWalker::scalar(const toml::node& node, std::string_view key) const {
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

Result<std::vector<Token>> TomlWalker::scalars(const toml::node& node, std::string_view key, bool allow_single) const {
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

Result<void> TomlWalker::directive(const Entry& e) {
    const Token name{e.key, e.key_where};
    if (e.node->is_table()) {
        return error_at(e.key_where, str_cat(e.key, ": a directive's value must be a string, integer, boolean or "
                                                    "array, not a table (sections are Global, VirtualHost, "
                                                    "Anonymous, Directory and Limit)"));
    }
    const DirectiveSpec* spec = builder_.spec(e.key);
    if (const auto* flag = e.node->as_boolean(); flag != nullptr && spec != nullptr && spec->max_args == 0) {
        if (!flag->get()) {
            return error_at(e.key_where, str_cat(e.key, " = false: leave the key out instead"));
        }
        return builder_.directive(name, {});
    }
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
            if (auto added = builder_.directive(name, *args); !added) {
                return added;
            }
        }
        return {};
    }
    auto args = scalars(*e.node, e.key, true);
    if (!args) {
        return std::move(args).error();
    }
    return builder_.directive(name, *args);
}

Result<void> TomlWalker::section(ContextKind kind, const Entry& e) {
    const auto* table = e.node->as_table();
    const Token name{e.key, e.where};
    if (table == nullptr) {
        return error_at(e.key_where, str_cat(e.key, ": a section must be a table ([", e.key, "]) or an array of "
                                                    "tables ([[", e.key, "]])"));
    }
    std::vector<Token> args;
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
        args = std::move(*got);
    }
    if (auto opened = builder_.open_section(kind, name, args); !opened) {
        return opened;
    }
    if (auto walked = walk(*table, kind); !walked) {
        return walked;
    }
    return builder_.close_section(kind, name);
}

Result<void> TomlWalker::conditional(const Entry& e, bool is_module) {
    const auto* table = e.node->as_table();
    if (table == nullptr) {
        return error_at(e.key_where, str_cat(e.key, ": expected a table of conditions, e.g. [", e.key,
                                             is_module ? ".\"mod_tls.c\"]" : ".NAME]"));
    }
    for (const auto& item : entries(*table)) {
        std::string_view subject = item.key;
        const bool negated = subject.starts_with('!');
        if (negated) {
            subject.remove_prefix(1);
        }
        if (subject.empty()) {
            return error_at(item.key_where, str_cat(e.key, ": a name is required"));
        }
        const auto* body = item.node->as_table();
        if (body == nullptr) {
            return error_at(item.key_where, str_cat(e.key, ".", item.key, ": expected a table"));
        }
        const bool holds = is_module ? builder_.module_available(subject) : builder_.defined(subject);
        if (holds == negated) {
            if (is_module) {
                warn_unprovided(*body, item.key);
            }
            continue;
        }
        if (auto nested = builder_.enter_nesting(item.where); !nested) {
            return nested;
        }
        if (auto walked = walk(*body, builder_.current_kind()); !walked) {
            return walked;
        }
        builder_.leave_nesting();
    }
    return {};
}

// A skipped [IfModule."mod_x.c"] entry that asks for a security property wardftpd does not provide is never
// silent (as in the proftpd.conf front end).
void TomlWalker::warn_unprovided(const toml::table& body, std::string_view subject) {
    for (const auto& e : entries(body)) {
        auto args = scalars(*e.node, e.key, true);
        if (!args) {
            continue;  // a section or a repeated directive: not one of the lines this looks for
        }
        std::vector<std::string_view> words;
        std::string line = e.key;
        for (const auto& token : *args) {
            words.push_back(token.text);
            line += str_cat(" ", token.text);
        }
        if (auto missing = unprovided_security(e.key, words)) {
            builder_.warn(e.key_where, str_cat("SECURITY: '", line, "' is skipped because <IfModule ", subject,
                                               "> does not hold here: ", *missing));
        }
    }
}

Result<void> TomlWalker::include(const Entry& e) {
    auto patterns = scalars(*e.node, e.key, true);
    if (!patterns) {
        return std::move(patterns).error();
    }
    for (const auto& pattern : *patterns) {
        if (auto included = include_files(builder_, pattern); !included) {
            return included;
        }
    }
    return {};
}

Result<void> TomlWalker::walk(const toml::table& table, ContextKind kind) {
    const std::string_view arg_key = argument_key(kind);
    for (const auto& e : entries(table)) {
        Result<void> done;
        if (!arg_key.empty() && e.key == arg_key) {
            continue;
        }
        if (iequals(e.key, "IfModule") || iequals(e.key, "IfDefine")) {
            done = conditional(e, iequals(e.key, "IfModule"));
        } else if (iequals(e.key, "Include")) {
            done = include(e);
        } else if (const auto section_of = section_kind(e.key)) {
            done = section(*section_of, e);
        } else {
            done = directive(e);
        }
        if (!done) {
            return done;
        }
    }
    return {};
}

}  // namespace

Result<void> parse_toml_into(ConfigBuilder& builder, std::string_view text, const std::string& name) {
    try {
        const toml::table document = toml::parse(text, name);
        TomlWalker walker(builder, name);
        return walker.walk(document, builder.current_kind());
    } catch (const toml::parse_error& e) {
        return error_at(location(name, e.source()), str_cat("TOML: ", e.description()));
    } catch (const std::exception& e) {
        return error_at(Location{name, 0, 0}, str_cat("TOML: ", e.what()));
    }
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
