// The proftpd.conf front end: sections, <IfModule>/<IfDefine>, Include, and directives handed to the builder.
#include <variant>

#include "base/strings.hpp"
#include "config/conf_lexer.hpp"
#include "config/frontends.hpp"

namespace ward::config {
namespace {

struct Open {
    std::variant<ContextKind, Conditional> what;
    Location where;
};

class ProftpdParser {
public:
    ProftpdParser(ConfigBuilder& builder, std::string_view text, const std::string& name)
        : builder_(builder), lexer_(text, name, builder.options()), name_(name) {}

    Result<void> run();

private:
    Result<void> handle_section(const SectionLine& s, const Token& head);
    Result<void> handle_conditional(Conditional kind, const SectionLine& s, const Token& head);
    Result<void> skip_conditional(Conditional kind, const Location& opened, std::string_view subject);
    Result<void> close(const SectionLine& s, const Token& head);
    void warn_if_unprovided(std::string_view line, const Location& where, std::string_view subject);

    ConfigBuilder& builder_;
    ConfLexer lexer_;
    std::string name_;
    std::vector<Open> open_;
};

Result<void> ProftpdParser::run() {
    ConfLine line;
    while (true) {
        auto got = lexer_.next(line);
        if (!got) {
            return std::move(got).error();
        }
        if (!*got) {
            break;
        }
        for (const auto& [where, message] : lexer_.line_warnings()) {
            builder_.warn(where, message);
        }
        const Token& head = line.words.front();
        if (auto s = section_line(line)) {
            if (auto handled = handle_section(*s, head); !handled) {
                return handled;
            }
            continue;
        }
        if (iequals(head.text, "Include")) {
            if (line.words.size() != 2) {
                return error_at(head.where, str_cat("Include takes 1 argument, not ", line.words.size() - 1,
                                                    " (syntax: Include /path|/pattern)"));
            }
            if (auto included = include_files(builder_, line.words[1]); !included) {
                return included;
            }
            continue;
        }
        const std::vector<Token> args(line.words.begin() + 1, line.words.end());
        if (auto added = builder_.directive(head, args); !added) {
            return added;
        }
    }
    if (!open_.empty()) {
        const Open& last = open_.back();
        const std::string_view what = std::holds_alternative<ContextKind>(last.what)
                                          ? context_name(std::get<ContextKind>(last.what))
                                          : conditional_name(std::get<Conditional>(last.what));
        return error_at(last.where, str_cat("<", what, "> is not closed before the end of ", name_));
    }
    return {};
}

Result<void> ProftpdParser::handle_section(const SectionLine& s, const Token& head) {
    if (s.closing) {
        return close(s, head);
    }
    if (const auto cond = conditional_kind(s.name)) {
        return handle_conditional(*cond, s, head);
    }
    const auto kind = section_kind(s.name);
    if (!kind) {
        if (const auto module = foreign_module_for(s.name)) {
            return error_at(head.where, str_cat("<", s.name, "> belongs to ", *module,
                                                ", which wardftpd does not have; put it inside <IfModule ", *module,
                                                ">"));
        }
        return error_at(head.where, str_cat("unknown section <", s.name, ">"));
    }
    if (auto opened = builder_.open_section(*kind, head, s.args); !opened) {
        return opened;
    }
    open_.push_back(Open{*kind, head.where});
    return {};
}

Result<void> ProftpdParser::handle_conditional(Conditional kind, const SectionLine& s, const Token& head) {
    if (s.args.size() != 1) {
        return error_at(head.where, str_cat("<", conditional_name(kind), "> takes 1 argument, not ", s.args.size()));
    }
    auto holds = builder_.condition_holds(kind == Conditional::if_module, s.args[0]);
    if (!holds) {
        return std::move(holds).error();
    }
    if (*holds) {
        if (auto nested = builder_.enter_nesting(head.where); !nested) {
            return nested;
        }
        open_.push_back(Open{kind, head.where});
        return {};
    }
    return skip_conditional(kind, head.where, s.args[0].text);
}

// A skipped <IfModule> line that asks for a security property wardftpd does not provide is never silent.
void ProftpdParser::warn_if_unprovided(std::string_view line, const Location& where, std::string_view subject) {
    const auto words = split_words(line);
    if (words.empty()) {
        return;
    }
    builder_.warn_if_unprovided(where, words.front(), std::span<const std::string_view>(words.begin() + 1, words.end()),
                                subject);
}

// A false conditional is skipped as ProFTPD skips it: unread, up to the matching close of the same kind.
Result<void> ProftpdParser::skip_conditional(Conditional kind, const Location& opened, std::string_view subject) {
    const std::string open_tag = str_cat("<", conditional_name(kind));
    const std::string close_tag = str_cat("</", conditional_name(kind));
    std::size_t depth = 1;
    std::string raw;
    Location where;
    while (true) {
        auto got = lexer_.next_raw(raw, where);
        if (!got) {
            return std::move(got).error();
        }
        if (!*got) {
            return error_at(opened, str_cat("<", conditional_name(kind), "> is not closed before the end of ", name_));
        }
        const std::string_view line = trim(raw);
        if (kind == Conditional::if_module) {
            warn_if_unprovided(line, where, subject);
        }
        if (istarts_with(line, close_tag)) {
            if (--depth == 0) {
                return {};
            }
        } else if (istarts_with(line, open_tag)) {
            if (++depth > builder_.options().limits.max_nesting_depth) {
                return error_at(where, str_cat("sections nested too deeply (the limit is ",
                                               builder_.options().limits.max_nesting_depth, " levels)"));
            }
        }
    }
}

Result<void> ProftpdParser::close(const SectionLine& s, const Token& head) {
    const auto cond = conditional_kind(s.name);
    const auto kind = section_kind(s.name);
    if (!cond && !kind) {
        return error_at(head.where, str_cat("unknown section </", s.name, ">"));
    }
    if (!s.args.empty()) {
        return error_at(s.args[0].where, str_cat("</", s.name, "> takes no arguments"));
    }
    if (open_.empty()) {
        return error_at(head.where, str_cat("</", s.name, "> without a matching <", s.name, "> in ", name_));
    }
    const Open& top = open_.back();
    if (cond) {
        if (!std::holds_alternative<Conditional>(top.what) || std::get<Conditional>(top.what) != *cond) {
            return error_at(head.where, str_cat("</", conditional_name(*cond), "> does not close the section opened at ",
                                                to_string(top.where)));
        }
        builder_.leave_nesting();
        open_.pop_back();
        return {};
    }
    if (!std::holds_alternative<ContextKind>(top.what) || std::get<ContextKind>(top.what) != *kind) {
        return error_at(head.where, str_cat("</", context_name(*kind), "> does not close the section opened at ",
                                            to_string(top.where)));
    }
    if (auto closed = builder_.close_section(*kind, head); !closed) {
        return closed;
    }
    open_.pop_back();
    return {};
}

}  // namespace

Result<void> parse_proftpd_into(ConfigBuilder& builder, std::string_view text, const std::string& name) {
    ProftpdParser parser(builder, text, name);
    return parser.run();
}

Result<Config> parse_proftpd_text(std::string_view text, std::string_view name, const LoadOptions& options) {
    ConfigBuilder builder(std::string(name), options);
    if (auto entered = builder.enter_file(std::string(name), text.size(), Location{std::string(name), 1, 1});
        !entered) {
        return std::move(entered).error();
    }
    if (auto parsed = parse_proftpd_into(builder, text, std::string(name)); !parsed) {
        return std::move(parsed).error();
    }
    return builder.finish();
}

}  // namespace ward::config
