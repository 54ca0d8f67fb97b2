#pragma once
// Who a login is: the account an authentication source found, with its groups resolved.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ward::auth {

// mod_auth_file.c, mod_auth_unix.c, mod_auth_pam.c (authenticates only: the account comes from another
// source), mod_sql.c.
enum class AuthSource : std::uint8_t { file, system, pam, sql };

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::string shell;
    std::string group_name;                // primary group's name (its number if it has none)
    std::vector<gid_t> groups;             // supplementary groups, the primary one included
    std::vector<std::string> group_names;  // names of `groups`, same order
    AuthSource source = AuthSource::system;
};

}  // namespace ward::auth
