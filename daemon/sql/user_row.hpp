#pragma once
// What a user query's row means (mod_sql's columns: name, passwd, uid, gid, home, shell), decoded in the SQL
// helper. The database is not trusted to be well-formed: every column is checked, and a row that does not
// decode is refused with the reason, never half-used.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/sql/connection.hpp"
#include "daemon/sql/settings.hpp"

namespace ward::sql {

struct UserRecord {
    std::string name;
    std::string hash;  // the passwd column
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::string home;
    std::string shell;
};

// NULL uid/gid take SQLDefaultUID/SQLDefaultGID; a NULL or empty home takes SQLDefaultHomedir (an error
// without one); a NULL shell is "". Numbers are decimal, 0..4294967294.
[[nodiscard]] Result<UserRecord> decode_user_row(const Row& row, const Settings& settings);

// A group row of SQLGroupInfo (name, gid, members): whether `user` is among the comma-separated members.
struct GroupRecord {
    std::string name;
    std::uint32_t gid = 0;
    std::vector<std::string> members;
};
[[nodiscard]] Result<GroupRecord> decode_group_row(const Row& row);

}  // namespace ward::sql
