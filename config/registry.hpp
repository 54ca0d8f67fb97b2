#pragma once
// The directive registry: every directive's name, owning module, allowed contexts, arity and value check.
// Both front ends validate through it. A Registry is per parse: the built-in table plus the directives of
// modules that LoadModule added during this parse; nothing global is mutated.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "config/model.hpp"

namespace ward::config {

using ContextMask = std::uint8_t;
[[nodiscard]] constexpr ContextMask context_bit(ContextKind kind) noexcept {
    return static_cast<ContextMask>(1U << static_cast<unsigned>(kind));
}
namespace contexts {
inline constexpr ContextMask server = context_bit(ContextKind::server);
inline constexpr ContextMask global = context_bit(ContextKind::global);
inline constexpr ContextMask virtual_host = context_bit(ContextKind::virtual_host);
inline constexpr ContextMask anonymous = context_bit(ContextKind::anonymous);
inline constexpr ContextMask directory = context_bit(ContextKind::directory);
inline constexpr ContextMask limit = context_bit(ContextKind::limit);
inline constexpr ContextMask connection_class = context_bit(ContextKind::connection_class);
inline constexpr ContextMask servers = server | global | virtual_host;  // "server config, <VirtualHost>, <Global>"
inline constexpr ContextMask servers_anon = servers | anonymous;
inline constexpr ContextMask servers_anon_dir = servers | anonymous | directory;
}  // namespace contexts

// A bad argument: index into the directive's arguments (args.size() means "the directive as a whole").
struct ArgProblem {
    std::size_t index = 0;
    std::string message;
};
using ArgValidator = std::function<std::optional<ArgProblem>(std::span<const std::string> args)>;

inline constexpr std::size_t kAnyNumber = std::numeric_limits<std::size_t>::max();

// What wardftpd does with a directive (docs/directives.md lists every one with its status and reason).
enum class Status : std::uint8_t {
    implemented,  // a reader in the daemon acts on it (tests/config/directive_readers_test.cpp finds the reader)
    no_effect,    // accepted with a warning at -t and start-up naming file:line and `note` (why)
    refused,      // an error naming `note`: ProFTPD's meaning would weaken a security property
};
[[nodiscard]] std::string_view status_name(Status status) noexcept;
// "server config, <VirtualHost>, <Global>": the contexts of a mask, in ProFTPD's words.
[[nodiscard]] std::string context_list(ContextMask mask);

// A non-repeatable directive given twice in one context: ProFTPD keeps both and its readers take the first
// (find_config), except where the value lands in the server record (Port, ServerName): the last. wardftpd keeps
// the one that applies, drops the other with a warning naming both lines.
enum class Precedence : std::uint8_t { first, last };

// Whether a no_effect directive's arguments ask for nothing wardftpd does not already do (DelayEngine off):
// then no warning is due.
using HonouredCheck = std::function<bool(std::span<const std::string> args)>;

struct DirectiveSpec {
    std::string name;    // canonical spelling
    std::string module;  // owner, e.g. "mod_exec.c"
    ContextMask contexts = contexts::servers;
    std::size_t min_args = 1;
    std::size_t max_args = 1;
    bool repeatable = false;  // may occur more than once in one context
    ArgValidator validate;    // empty: any value passes once the arity does
    std::string syntax;       // usage shown with arity errors, e.g. "Port number"
    Status status = Status::implemented;
    std::string note{};          // no_effect/refused: why (shown in the warning or error)
    Precedence precedence = Precedence::first;
    HonouredCheck honoured{};    // no_effect only: arguments that need no warning
};

// Built-in modules in load order, as `wardftpd -l` lists them.
[[nodiscard]] std::span<const std::string_view> builtin_modules() noexcept;
// "mod_x.c" or "mod_x" (ProFTPD's <IfModule> accepts both).
[[nodiscard]] bool is_builtin_module(std::string_view name) noexcept;
// The module of a well-known ProFTPD directive that wardftpd does not have ("LDAPServer" -> "mod_ldap.c").
[[nodiscard]] std::optional<std::string_view> foreign_module_for(std::string_view directive) noexcept;
// A line of a skipped <IfModule> section that asks for a security property wardftpd does not provide
// (mod_wrap and mod_ban rules, BanEngine on, QuotaEngine on): what is not provided, for a loud
// warning at -t and start-up. Nothing for any other line.
[[nodiscard]] std::optional<std::string> unprovided_security(std::string_view directive,
                                                             std::span<const std::string_view> args);
// "mod_x" -> "mod_x.c"; names already ending in ".c" are returned as they are.
[[nodiscard]] std::string module_file_name(std::string_view name);

class Registry {
public:
    Registry();

    // Case-insensitive; nullptr when unknown.
    [[nodiscard]] const DirectiveSpec* find(std::string_view name) const;
    // Registers a loaded module's directives for the rest of the parse; a directive that already exists
    // is an error naming both modules.
    [[nodiscard]] Result<void> add_module(std::string_view module, std::vector<DirectiveSpec> specs);
    [[nodiscard]] bool has_module(std::string_view name) const;
    // The known directive name closest to name (edit distance), or empty when none is close.
    [[nodiscard]] std::string closest(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> all_names() const;

private:
    std::vector<DirectiveSpec> added_;
    std::unordered_map<std::string, std::size_t> added_index_;  // lower-case name -> added_
    std::vector<std::string> added_modules_;
};

// The built-in table (immutable after first use).
[[nodiscard]] const std::vector<DirectiveSpec>& builtin_directives();

}  // namespace ward::config
