#pragma once
// ConfigBuilder: what both front ends feed, one directive or section at a time. It owns the validation that
// must be identical for proftpd.conf and TOML: registry lookup, contexts, arity, values, duplicates, bounds,
// LoadModule and ModuleOrder; every error it returns starts with "file:line:column: ".
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "config/load.hpp"
#include "config/model.hpp"
#include "config/registry.hpp"

namespace ward::config {

struct Token {
    std::string text;
    Location where;
};

// "file:line:column: message"
[[nodiscard]] Error error_at(const Location& where, std::string_view message);

// The section a name opens ("Directory" -> directory), case-insensitive.
[[nodiscard]] std::optional<ContextKind> section_kind(std::string_view name) noexcept;

class ConfigBuilder {
public:
    ConfigBuilder(std::string source, const LoadOptions& options);

    [[nodiscard]] Result<void> directive(const Token& name, const std::vector<Token>& args);
    [[nodiscard]] Result<void> open_section(ContextKind kind, const Token& name, const std::vector<Token>& args);
    [[nodiscard]] Result<void> close_section(ContextKind kind, const Token& name);
    // Conditionals count toward the nesting bound too.
    [[nodiscard]] Result<void> enter_nesting(const Location& where);
    void leave_nesting() noexcept;
    // An error when a section is still open.
    [[nodiscard]] Result<Config> finish();

    // Files: the include stack (cycle detection and depth) and the total size of one parse.
    [[nodiscard]] Result<void> enter_file(const std::string& path, std::size_t bytes, const Location& from);
    void leave_file() noexcept;

    [[nodiscard]] bool module_available(std::string_view name) const { return registry_.has_module(name); }
    [[nodiscard]] const DirectiveSpec* spec(std::string_view name) const { return registry_.find(name); }
    [[nodiscard]] bool defined(std::string_view name) const;
    // <IfModule [!]mod_x.c> (is_module) or <IfDefine [!]NAME>: whether its body counts here. The one decision
    // both front ends take.
    [[nodiscard]] Result<bool> condition_holds(bool is_module, const Token& subject) const;
    // A line of a skipped <IfModule subject> that asks for a security property wardftpd does not provide is
    // never silent: a SECURITY warning naming it.
    void warn_if_unprovided(const Location& where, std::string_view directive,
                            std::span<const std::string_view> args, std::string_view subject);
    // A warning for -t and start-up ("file:line:column: " is prepended).
    void warn(const Location& where, std::string_view message);
    [[nodiscard]] const LoadOptions& options() const noexcept { return options_; }
    [[nodiscard]] std::size_t open_sections() const noexcept { return stack_.size() - 1; }
    [[nodiscard]] ContextKind current_kind() const noexcept { return stack_.back().context.kind; }

private:
    struct Frame {
        Context context;
        std::unordered_map<std::string, Location> seen;  // non-repeatable directives: first occurrence
    };
    [[nodiscard]] Result<void> count(const Location& where);
    [[nodiscard]] Result<void> load_module(const DirectiveSpec& spec, const Directive& d);
    [[nodiscard]] Result<void> repeated(Frame& frame, const DirectiveSpec& spec, const Location& first,
                                        Directive later);
    [[nodiscard]] Result<void> check_section(ContextKind kind, const Token& name, const std::vector<Token>& args) const;
    // "WHAT is not allowed in <Directory /srv> opened at FILE:LINE:COL ..." naming the open section, and asking
    // whether its closing tag is missing when an enclosing section would allow WHAT.
    [[nodiscard]] std::string not_allowed(std::string_view what, ContextMask allowed) const;
    [[nodiscard]] Error unknown_directive(const Token& name) const;

    std::string source_;
    const LoadOptions& options_;
    Registry registry_;
    std::vector<Frame> stack_;
    std::vector<std::string> files_;
    std::vector<std::string> warnings_;  // Config::warnings
    std::vector<std::string> defines_;   // Define NAME, read so far
    std::size_t nesting_ = 0;
    std::size_t directives_ = 0;
    std::size_t total_bytes_ = 0;
};

}  // namespace ward::config
