#pragma once
// The resolved view the daemon uses per connection and per command: which server a connection belongs to,
// and, within it, which directive applies to a path, and whether <Limit> allows a command. Built once per
// configuration with indexes, so a lookup never scans every <Directory> (ProFTPD does, on every command).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/model.hpp"

namespace ward::config {

struct Principal {
    std::string user;                 // empty before login: AllowUser/AllowGroup then count as allowing, as in ProFTPD
    std::vector<std::string> groups;  // primary and supplementary group names
    std::string address;              // the client's IP address
    bool anonymous = false;
    std::string conn_class;  // the <Class> the client address is in (Server::class_of), "" for none
};

namespace detail {
struct ServerIndex;
}

class Server {
public:
    Server(Server&&) noexcept;
    Server& operator=(Server&&) noexcept;
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    [[nodiscard]] const Context& context() const noexcept;
    // <VirtualHost addr...> addresses, or the main server's DefaultAddress (empty: every local address).
    [[nodiscard]] const std::vector<std::string>& addresses() const noexcept;
    [[nodiscard]] std::uint16_t port() const noexcept;  // Port, default 21; 0 disables the server
    [[nodiscard]] bool is_main() const noexcept;

    // This server's own context, then <Global>.
    [[nodiscard]] const Directive* get(std::string_view name) const;
    [[nodiscard]] std::vector<const Directive*> get_all(std::string_view name) const;

    // The <Class> (server config or <Global>) a client address is in: the first whose From rules it satisfies, as
    // ProFTPD's pr_class_match_addr; "" for none. Host-name rules never match (no reverse DNS here).
    [[nodiscard]] std::string class_of(std::string_view client_address) const;

    // The <Anonymous> a login name selects: the one whose User is that name, or the target of a UserAlias for it.
    [[nodiscard]] const Context* anonymous_for(std::string_view login_user) const;

    // The best-matching <Directory> for real_path and the less specific ones that also match, then anon, then
    // this server, then <Global>. home resolves "~" (for an anonymous session: its root, the anonymous user's
    // home); anon is the session's <Anonymous>, or nullptr.
    [[nodiscard]] const Directive* get_for_path(std::string_view name, std::string_view real_path, const Context* anon,
                                                std::string_view home) const;
    // Every applicable occurrence, most specific context first, each once (ExecOnCommand and friends).
    [[nodiscard]] std::vector<const Directive*> get_all_for_path(std::string_view name, std::string_view real_path,
                                                                 const Context* anon, std::string_view home) const;
    // <Limit> as ProFTPD's dir_check_full: the command's own name, then its group, then ALL, each looked up from
    // the most specific context outwards; an explicit or implicit decision ends the search. real_path may be
    // empty for commands without a path (LOGIN). argument: the command's argument, which a <Limit>'s
    // AllowFilter/DenyFilter match; nullptr at login, where no command is checked and no filter matches.
    [[nodiscard]] bool allowed(std::string_view command, std::string_view real_path, const Context* anon,
                               std::string_view home, const Principal& who,
                               const std::string* argument = nullptr) const;
    // <Limit LOGIN> at connect time, before a user is known (ProFTPD's login_check_limits in main.c, once the
    // client's class is found): allowed when a LOGIN rule of the server (or <Global>) allows explicitly, or none
    // decides, or, when they only deny, a LOGIN rule of some <Anonymous> allows. ProFTPD then closes the
    // connection without a greeting.
    [[nodiscard]] bool connection_allowed(const Principal& who) const;

    // IgnoreHidden in the first <Limit> that names the command, then its group, then ALL, from the most specific
    // context outwards, whoever that <Limit>'s rules name (ProFTPD's check_limits reads it before their verdict).
    [[nodiscard]] bool ignore_hidden(std::string_view command, std::string_view real_path, const Context* anon,
                                     std::string_view home) const;

private:
    friend class ServerSet;
    explicit Server(std::unique_ptr<detail::ServerIndex> index);
    std::unique_ptr<detail::ServerIndex> index_;
};

struct BuildOptions {
    // Home directory of a user, for <Directory ~user/...>; unset: the system's password database.
    std::function<std::optional<std::string>(std::string_view user)> home_of;
};

class ServerSet {
public:
    // Cross-directive checks happen here (two servers on one address and port, two DefaultServers on one port,
    // a <Directory ~user> whose user does not exist); the Config stays alive as long as the set.
    [[nodiscard]] static Result<ServerSet> build(std::shared_ptr<const Config> config, const BuildOptions& options = {});

    [[nodiscard]] const std::vector<Server>& servers() const noexcept { return servers_; }  // [0] is the main server
    [[nodiscard]] const Config& config() const noexcept { return *config_; }
    // ProFTPD's choice by the address and port the client connected to: a server bound to that address and
    // port, else the DefaultServer on that port, else the main server when it listens on every address of that
    // port; nullptr when none serves it.
    [[nodiscard]] const Server* match(std::string_view local_ip, std::uint16_t port) const;

private:
    std::shared_ptr<const Config> config_;
    std::vector<Server> servers_;
};

}  // namespace ward::config
