#pragma once
// mod_sql's configuration as the SQL helper and the monitor use it, read once from a server's directives
// (SQLEngine, SQLBackend, SQLConnectInfo, SQLAuthenticate, SQLAuthTypes, SQLUserInfo, SQLUserWhereClause,
// SQLGroupInfo, SQLMinID, SQLMinUserUID, SQLMinUserGID, SQLDefaultUID, SQLDefaultGID, SQLDefaultHomedir,
// SQLNamedQuery, SQLLog, SQLLogFile and mod_sql_passwd's SQLPasswordEngine, SQLPasswordEncoding,
// SQLPasswordUserSalt, SQLPasswordSaltFile).
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "daemon/sql/query_template.hpp"

namespace ward::sql {

enum class Backend : std::uint8_t { sqlite, postgres };
enum class AuthType : std::uint8_t { crypt, sha256, sha512, plaintext };
enum class Encoding : std::uint8_t { base64, hex_lower, hex_upper };
enum class SaltSource : std::uint8_t { none, name, uid, query, file };

struct NamedQuery {
    std::string name;
    std::string type;  // SELECT, UPDATE, INSERT, FREEFORM
    QueryTemplate query;
    std::string where;  // file:line, for -t's messages
};

struct LogRule {
    std::vector<std::string> commands;  // upper case; "*" for every command
    bool on_error = false;              // ERR_ prefix: logged when the command failed
    std::string query;                  // a NamedQuery's name
    bool ignore_errors = false;
    std::string where;
};

struct Salt {
    SaltSource source = SaltSource::none;
    std::string value;  // the file's contents (SaltFile) or the query's name (sql:/)
    bool prepend = false;
};

struct Settings {
    bool auth = false;  // SQLEngine on|auth with SQLAuthenticate users
    bool log = false;   // SQLEngine on|log
    Backend backend = Backend::sqlite;
    std::string database;  // SQLConnectInfo: the SQLite file, or PostgreSQL's db[@host[:port]] or a URI
    std::string user;
    std::string password;
    std::vector<AuthType> auth_types;
    QueryTemplate user_query;   // returns name, passwd, uid, gid, home, shell (NULL columns allowed)
    std::string user_query_where;
    std::optional<QueryTemplate> group_name_query;    // SQLGroupInfo: the primary group's name by %{gid}
    std::optional<QueryTemplate> group_member_query;  // SQLGroupInfo: name, gid, members of every group
    uid_t min_uid = 999;
    gid_t min_gid = 999;
    uid_t default_uid = 65533;
    gid_t default_gid = 65533;
    std::string default_home;
    std::vector<NamedQuery> queries;
    std::vector<LogRule> log_rules;
    std::string log_file;
    Encoding encoding = Encoding::hex_lower;
    Salt user_salt;
    Salt file_salt;

    [[nodiscard]] const NamedQuery* query(std::string_view name) const;
};

// nullptr when SQLEngine is off or absent. Errors and warnings say file:line.
[[nodiscard]] Result<std::shared_ptr<const Settings>> read_settings(const config::Server& server,
                                                                    std::vector<std::string>& warnings);

}  // namespace ward::sql
