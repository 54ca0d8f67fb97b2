#pragma once
// What the monitor itself knows about its session: the trusted source of %u %U %g %{uid} %a %p %A ...
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/auth/account.hpp"

namespace ward::monitor {

struct SessionFacts {
    std::string client_address;  // %a %h
    std::uint16_t client_port = 0;   // %{remote-port}
    std::string local_address;   // %L
    std::uint16_t local_port = 0;    // %p
    pid_t session_pid = 0;       // %P
    std::string login_name;      // %U: as first sent with USER
    std::optional<auth::Account> account;  // set after login: %u %g %{uid} %{gid}
    bool anonymous = false;
    std::string anonymous_password;  // %A
    std::string chroot;          // the real path the session's "/" stands for; empty when not confined
    std::string end_reason;      // %E
};

}  // namespace ward::monitor
