#pragma once
// The one configuration model both front ends (proftpd.conf and TOML) produce. It holds what the file says,
// validated, with conditionals and includes already resolved; config/server.hpp gives the resolved view.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ward::config {

struct Location {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};
// "file:line:column"; "file:line" without a column, "file" without a line (never "file:0:0")
[[nodiscard]] std::string to_string(const Location& where);

// connection_class: ProFTPD's <Class name> (From, Satisfy), which names a set of client addresses.
enum class ContextKind : std::uint8_t { server, global, virtual_host, anonymous, directory, limit, connection_class };
// The proftpd.conf spelling of a section ("VirtualHost"); "server config" for the root.
[[nodiscard]] std::string_view context_name(ContextKind kind) noexcept;

struct Directive {
    std::string name;               // canonical registry spelling, e.g. "ExecOnCommand"
    std::vector<std::string> args;  // after unquoting, escapes and %{env:NAME}
    Location where;
};

struct Context {
    ContextKind kind = ContextKind::server;
    std::vector<std::string> args;  // <VirtualHost addr...>, <Anonymous dir>, <Directory path>, <Limit CMD...>, <Class name>
    Location where;
    std::vector<Directive> directives;  // source order
    std::vector<Context> children;      // source order

    // The occurrence that applies in this context alone (the first, as ProFTPD's find_config); name is
    // matched case-insensitively. nullptr when absent.
    [[nodiscard]] const Directive* find(std::string_view name) const;
    [[nodiscard]] std::vector<const Directive*> find_all(std::string_view name) const;
};

struct Config {
    Context root;        // kind == server: the main server's "server config" context
    std::string source;  // the file (or name) it was read from
    // "file:line:column: ..." for what is accepted but does not act as in ProFTPD (a directive with no effect
    // here, a repeated directive whose other occurrence is dropped): -t and start-up print every one.
    std::vector<std::string> warnings;
};

// Model equality for the converter round trip: the same child contexts in the same order with the same
// arguments, and in every context the same directives with the same arguments, in order among directives of
// one name; locations, and the interleaving of directives of different names (which changes no meaning, and
// which TOML, grouping a repeated directive under one key, cannot keep), are ignored.
[[nodiscard]] bool equivalent(const Config& a, const Config& b);
[[nodiscard]] bool equivalent(const Context& a, const Context& b);

}  // namespace ward::config
