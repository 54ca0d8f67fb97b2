#pragma once
// The control socket's requests and access rules (mod_ctrls, mod_dso's ModuleControlsACLs): one request
// line of at most 1 KiB ("lsmod", "insmod mod_x.c", "rmmod mod_x.c"), and ProFTPD's ACL semantics with the
// peer's credentials from SO_PEERCRED. With no rule for an action, everyone is denied.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/model.hpp"

namespace ward::modules {

inline constexpr std::size_t kMaxControlRequest = 1024;  // ProFTPD's cap on a control request
inline constexpr std::string_view kDefaultControlsSocket = "/run/wardftpd/wardftpd.sock";
inline constexpr std::size_t kMaxControlReply = std::size_t{64} * 1024;

struct ControlRule {  // ModuleControlsACLs actions|all allow|deny user|group list
    std::vector<std::string> actions;
    bool allow = false;
    bool group = false;
    std::vector<std::string> names;  // "*" matches everyone
};

[[nodiscard]] ControlRule control_rule(const config::Directive& directive);

struct Peer {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string user;   // empty when the uid has no name
    std::string group;  // the primary group's name, empty when none
};

// ProFTPD's check: the last user rule naming the action decides for users, the last group rule for the
// primary group; either allowing is enough.
[[nodiscard]] bool control_allowed(const std::vector<ControlRule>& rules, std::string_view action, const Peer& peer);

struct ControlRequest {
    std::string action;    // lsmod | insmod | rmmod | who | kick
    std::string argument;  // the module name; kick's "user|host|session VALUE"; empty for lsmod and who
};

// One line without its newline. Errors are the reply's text.
[[nodiscard]] Result<ControlRequest> parse_control_request(std::string_view line);

}  // namespace ward::modules
