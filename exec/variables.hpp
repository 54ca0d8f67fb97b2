#pragma once
// mod_exec's %-variables (../shared/reference/variables.md), expanded in one pass: a value put into the
// output is never scanned again, so a file name holding "%u" stays "%u". Every value is length-capped and
// so is the whole result. Unknown sequences stay as they are, as ProFTPD leaves them.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "exec/hook_event.hpp"

namespace ward::exec {

// What the monitor itself knows about the session (trusted), plus the server's settings.
struct SessionValues {
    std::string client_address;      // %a %h
    std::uint16_t client_port = 0;   // %{remote-port}
    std::string local_address;       // %L
    std::uint16_t local_port = 0;    // %p
    std::string server_address;      // %H
    std::string server_name;         // %v %V
    pid_t session_pid = 0;           // %P
    std::string login_name;          // %U
    std::string user;                // %u; empty before login
    std::string group;               // %g
    std::optional<uid_t> uid;        // %{uid}
    std::optional<gid_t> gid;        // %{gid}
    std::string anonymous_password;  // %A; empty: "UNKNOWN"
    std::string real_root;           // the real directory the session's "/" stands for; empty: "/"
    std::string end_reason;          // %E
};

struct ExpandInput {
    const SessionValues* session = nullptr;
    const CommandEvent* event = nullptr;  // nullptr: no command (connect, exit, restart, events)
    std::chrono::system_clock::time_point now;
    // The daemon's environment (%{NAME}e, %{env:NAME}); unset: getenv.
    std::function<std::optional<std::string>(const std::string& name)> environment;
};

struct ExpandLimits {
    static constexpr std::size_t value = 4096;    // any one value put in
    static constexpr std::size_t result = 16384;  // one expanded argument
};

[[nodiscard]] std::string expand_variables(std::string_view text, const ExpandInput& input);

// A client-view path made absolute and free of "." and ".." without touching the filesystem; ".." at
// the top stays at "/". Used to map %F onto the real tree for %f.
[[nodiscard]] std::string normalize_client_path(std::string_view path, std::string_view cwd);

}  // namespace ward::exec
