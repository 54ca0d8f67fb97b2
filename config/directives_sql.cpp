// mod_sql.c, mod_sql_passwd.c (and the backends mod_sql_sqlite.c, mod_sql_postgres.c, which have no directives
// of their own): ProFTPD 1.3.8's grammar and contexts. What the daemon does with them is daemon/sql/ (the
// helper process that talks to the database) and daemon/monitor/sql_helper.* (the monitor's side).
#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/validators.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr const char* kSql = "mod_sql.c";
constexpr const char* kPasswd = "mod_sql_passwd.c";
constexpr std::uint64_t kMaxId = 4'294'967'294;

std::optional<ArgProblem> engine(std::span<const std::string> args) {
    if (auto problem = one_of(args[0], {"on", "off", "auth", "log", "true", "false", "yes", "no", "1", "0"})) {
        return ArgProblem{0, *problem};
    }
    return std::nullopt;
}

std::optional<ArgProblem> backend(std::span<const std::string> args) {
    if (iequals(args[0], "sqlite3") || iequals(args[0], "postgres")) {
        return std::nullopt;
    }
    return ArgProblem{0, str_cat("backend '", args[0],
                                 "' is not built in (wardftpd has mod_sql_sqlite.c \"sqlite3\" and "
                                 "mod_sql_postgres.c \"postgres\")")};
}

// SQLConnectInfo info [user [password [policy]]]; ProFTPD 1.3.8's ssl-* options are refused rather than
// dropped: a connection meant to be encrypted must not silently go in the clear.
std::optional<ArgProblem> connect_info(std::span<const std::string> args) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i].starts_with("ssl-")) {
            return ArgProblem{i, str_cat("'", args[i],
                                         "': SQLConnectInfo's ssl-* options are not supported; give libpq's "
                                         "sslmode/sslrootcert in a postgresql:// connection URI instead")};
        }
    }
    if (args.size() > 4) {
        return ArgProblem{4, "expected SQLConnectInfo info [user [password [policy]]]"};
    }
    return std::nullopt;
}

std::optional<ArgProblem> authenticate(std::span<const std::string> args) {
    if (args.size() == 1 && !boolean(args[0])) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (auto problem = one_of(args[i], {"users", "groups", "userset", "groupset", "usersetfast", "groupsetfast"})) {
            return ArgProblem{i, *problem};
        }
    }
    return std::nullopt;
}

// SQLAuthTypes: the types wardftpd checks, in the order given; the others refused with the reason.
std::optional<ArgProblem> auth_types(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& t = args[i];
        if (iequals(t, "Crypt") || iequals(t, "SHA256") || iequals(t, "SHA512") || iequals(t, "Plaintext")) {
            continue;
        }
        if (iequals(t, "Empty")) {
            return ArgProblem{i, "SQLAuthTypes Empty (any password for an empty stored one) is refused"};
        }
        if (iequals(t, "MD5") || iequals(t, "SHA1") || iequals(t, "OpenSSL") || iequals(t, "Backend")) {
            return ArgProblem{i, str_cat("SQLAuthTypes ", t,
                                         " is not supported (unsalted MD5/SHA-1 and MySQL's PASSWORD() are "
                                         "broken hashes); rehash to Crypt (yescrypt, SHA-512 crypt) or SHA256/SHA512")};
        }
        return ArgProblem{i, str_cat("unknown or unsupported SQLAuthTypes type '", t,
                                     "' (supported: Crypt, SHA256, SHA512, Plaintext with SQLPlaintextAllowed on)")};
    }
    return std::nullopt;
}

// A table and its columns: every argument a plain SQL identifier.
std::optional<ArgProblem> all_identifiers(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (auto problem = identifier(args[i])) {
            return ArgProblem{i, *problem};
        }
    }
    return std::nullopt;
}

// SQLUserInfo table user passwd uid gid home shell | custom:/name
std::optional<ArgProblem> user_info(std::span<const std::string> args) {
    if (args.size() == 1) {
        if (args[0].starts_with("custom:/") && args[0].size() > 8) {
            return std::nullopt;
        }
        return ArgProblem{0, "expected custom:/named-query, or the table and its six columns"};
    }
    if (args.size() != 7) {
        return ArgProblem{args.size(), "expected SQLUserInfo table user-col passwd-col uid-col gid-col home-col shell-col"};
    }
    return all_identifiers(args);
}

// SQLGroupInfo table name-col gid-col members-col | custom:/name
std::optional<ArgProblem> group_info(std::span<const std::string> args) {
    if (args.size() == 1) {
        return ArgProblem{0, "SQLGroupInfo custom:/... queries are not supported; give the table and its three columns"};
    }
    if (args.size() != 4) {
        return ArgProblem{args.size(), "expected SQLGroupInfo table name-col gid-col members-col"};
    }
    return all_identifiers(args);
}

// SQLNamedQuery name SELECT|UPDATE|INSERT|FREEFORM "query" [table] [connection]
std::optional<ArgProblem> named_query(std::span<const std::string> args) {
    if (auto problem = identifier(args[0])) {
        return ArgProblem{0, *problem};
    }
    if (auto problem = one_of(args[1], {"SELECT", "UPDATE", "INSERT", "FREEFORM"})) {
        return ArgProblem{1, *problem};
    }
    const bool needs_table = iequals(args[1], "UPDATE") || iequals(args[1], "INSERT");
    if (needs_table && args.size() < 4) {
        return ArgProblem{args.size(), str_cat(args[1], " queries name their table after the query")};
    }
    const std::size_t connection = needs_table ? 4 : 3;
    if (args.size() > connection) {
        return ArgProblem{connection, "named connections (SQLNamedConnectInfo) are not supported"};
    }
    if (needs_table) {
        if (auto problem = identifier(args[3])) {
            return ArgProblem{3, *problem};
        }
    }
    return std::nullopt;
}

// SQLLog cmd[,cmd...] query-name [IGNORE_ERRORS]
std::optional<ArgProblem> sql_log(std::span<const std::string> args) {
    for (const auto command : split(args[0], ',')) {
        std::string_view name = command;
        if (name.size() > 4 && iequals(name.substr(0, 4), "ERR_")) {
            name.remove_prefix(4);
        }
        if (name == "*") {
            continue;
        }
        if (auto problem = command_list(name)) {
            return ArgProblem{0, *problem};
        }
    }
    if (auto problem = identifier(args[1])) {
        return ArgProblem{1, *problem};
    }
    if (args.size() == 3 && !iequals(args[2], "IGNORE_ERRORS")) {
        return ArgProblem{2, "expected IGNORE_ERRORS"};
    }
    return std::nullopt;
}

// SQLPasswordUserSalt name|uid|sql:/query [Append|Prepend]; SQLPasswordSaltFile path|none [Append|Prepend]
std::optional<ArgProblem> salt_position(std::span<const std::string> args) {
    if (args.size() == 2) {
        if (auto problem = one_of(args[1], {"Append", "Prepend"})) {
            return ArgProblem{1, *problem};
        }
    }
    return std::nullopt;
}

std::optional<ArgProblem> user_salt(std::span<const std::string> args) {
    if (!iequals(args[0], "name") && !iequals(args[0], "uid") && !(args[0].starts_with("sql:/") && args[0].size() > 5)) {
        return ArgProblem{0, "expected name, uid or sql:/named-query"};
    }
    return salt_position(args);
}

std::optional<ArgProblem> salt_file(std::span<const std::string> args) {
    if (auto problem = absolute_path_or_none(args[0])) {
        return ArgProblem{0, *problem};
    }
    return salt_position(args);
}

DirectiveSpec id(const char* name) {
    return make(name, kSql, cx::servers, 1, 1, str_cat(name, " id"), each(number_check(0, kMaxId)));
}

}  // namespace

void add_sql(std::vector<DirectiveSpec>& out) {
    out.push_back(make("SQLEngine", kSql, cx::servers, 1, 1, "SQLEngine on|off|auth|log", engine));
    out.push_back(make("SQLBackend", kSql, cx::servers, 1, 1, "SQLBackend sqlite3|postgres", backend));
    out.push_back(make("SQLConnectInfo", kSql, cx::servers, 1, kAnyNumber,
                       "SQLConnectInfo database [user [password [policy]]]", connect_info));
    out.push_back(make("SQLAuthenticate", kSql, cx::servers, 1, 4,
                       "SQLAuthenticate on|off|[users] [groups] [userset[fast]] [groupset[fast]]", authenticate));
    out.push_back(make("SQLAuthTypes", kSql, cx::servers, 1, kAnyNumber, "SQLAuthTypes type [type...]", auth_types));
    out.push_back(make("SQLPlaintextAllowed", kSql, cx::servers, 1, 1, "SQLPlaintextAllowed on|off",
                       each(boolean_check())));
    out.push_back(make("SQLUserInfo", kSql, cx::servers, 1, 7,
                       "SQLUserInfo table user passwd uid gid home shell | custom:/named-query", user_info));
    out.push_back(make("SQLUserWhereClause", kSql, cx::servers, 1, 1, "SQLUserWhereClause \"clause\""));
    out.push_back(make("SQLGroupInfo", kSql, cx::servers, 1, 4, "SQLGroupInfo table name gid members", group_info));
    out.push_back(id("SQLMinID"));
    out.push_back(id("SQLMinUserUID"));
    out.push_back(id("SQLMinUserGID"));
    out.push_back(id("SQLDefaultUID"));
    out.push_back(id("SQLDefaultGID"));
    out.push_back(make("SQLDefaultHomedir", kSql, cx::servers, 1, 1, "SQLDefaultHomedir /path",
                       each([](std::string_view v) { return absolute_path(v); })));
    out.push_back(make("SQLNamedQuery", kSql, cx::servers, 3, kAnyNumber,
                       "SQLNamedQuery name SELECT|UPDATE|INSERT|FREEFORM \"query\" [table]", named_query, true));
    out.push_back(make("SQLLog", kSql, cx::servers, 2, 3, "SQLLog cmd[,cmd...] query-name [IGNORE_ERRORS]", sql_log,
                       true));
    out.push_back(make("SQLLogFile", kSql, cx::servers, 1, 1, "SQLLogFile /path",
                       each([](std::string_view v) { return absolute_path(v); })));
    out.push_back(no_effect(make("SQLNegativeCache", kSql, cx::servers, 1, 1, "SQLNegativeCache on|off",
                                 each(boolean_check())),
                            "nothing is cached: every login asks the database afresh", when_flag(false)));
    out.push_back(no_effect(make("SQLOptions", kSql, cx::servers, 1, kAnyNumber, "SQLOptions opt [opt...]"),
                            "each lookup and log row uses its own short-lived connection in the SQL helper process, "
                            "so the connection options have nothing to change"));
    out.push_back(no_effect(make("SQLUserPrimaryKey", kSql, cx::servers, 1, 1, "SQLUserPrimaryKey column"),
                            "only used by mod_quotatab's SQL tables, which wardftpd does not have"));
    out.push_back(no_effect(make("SQLGroupPrimaryKey", kSql, cx::servers, 1, 1, "SQLGroupPrimaryKey column"),
                            "only used by mod_quotatab's SQL tables, which wardftpd does not have"));
    out.push_back(no_effect(make("SQLShowInfo", kSql, cx::servers, 3, 3, "SQLShowInfo cmds code \"message\"", {}, true),
                            "no reply text is taken from the database"));
    out.push_back(no_effect(make("SQLLogOnEvent", kSql, cx::servers, 2, 3, "SQLLogOnEvent event query-name", {}, true),
                            "ProFTPD's events are not raised here; log on commands with SQLLog"));
    out.push_back(refused(make("SQLNamedConnectInfo", kSql, cx::servers, 2, kAnyNumber,
                               "SQLNamedConnectInfo name backend info [user [password [policy]]]"),
                          "named connections are not supported: queries meant for another database would run "
                          "against SQLConnectInfo's"));
    out.push_back(refused(make("SQLRatios", kSql, cx::servers, 1, 1, "SQLRatios on|off"),
                          "ratios (mod_ratio) are not implemented, so a ratio limit would not be enforced"));
    out.push_back(refused(make("SQLRatioStats", kSql, cx::servers, 1, 1, "SQLRatioStats on|off"),
                          "ratios (mod_ratio) are not implemented"));
    out.push_back(refused(make("SQLGroupWhereClause", kSql, cx::servers, 1, 1, "SQLGroupWhereClause \"clause\""),
                          "group lookups take the SQLGroupInfo table as it is; a restricting clause would not apply"));

    // mod_sql_passwd.c
    out.push_back(make("SQLPasswordEngine", kPasswd, cx::servers, 1, 1, "SQLPasswordEngine on|off",
                       each(boolean_check())));
    out.push_back(make("SQLPasswordEncoding", kPasswd, cx::servers, 1, 1, "SQLPasswordEncoding base64|hex|HEX",
                       each(words_check({"base64", "hex", "HEX"}))));
    out.push_back(make("SQLPasswordUserSalt", kPasswd, cx::servers, 1, 2,
                       "SQLPasswordUserSalt name|uid|sql:/named-query [Append|Prepend]", user_salt));
    out.push_back(make("SQLPasswordSaltFile", kPasswd, cx::servers, 1, 2, "SQLPasswordSaltFile /path|none [Append|Prepend]",
                       salt_file));
    out.push_back(refused(make("SQLPasswordSaltEncoding", kPasswd, cx::servers, 1, 1,
                               "SQLPasswordSaltEncoding base64|hex|HEX|none"),
                          "salts are used as stored; a decoded salt would make every check fail or differ"));
    out.push_back(refused(make("SQLPasswordOptions", kPasswd, cx::servers, 1, kAnyNumber, "SQLPasswordOptions opt [opt...]"),
                          "the HashPassword/HashSalt/HashEncode* variants are not implemented; a check would differ "
                          "from ProFTPD's"));
    out.push_back(refused(make("SQLPasswordRounds", kPasswd, cx::servers, 1, 1, "SQLPasswordRounds count"),
                          "repeated hashing is not implemented; a check would differ from ProFTPD's"));
    out.push_back(refused(make("SQLPasswordCost", kPasswd, cx::servers, 1, 1, "SQLPasswordCost interactive|sensitive"),
                          "scrypt/Argon2 are not supported SQLAuthTypes here"));
    out.push_back(refused(make("SQLPasswordPBKDF2", kPasswd, cx::servers, 1, 3, "SQLPasswordPBKDF2 digest iterations length"),
                          "PBKDF2 is not a supported SQLAuthTypes type here"));
    out.push_back(refused(make("SQLPasswordScrypt", kPasswd, cx::servers, 1, 1, "SQLPasswordScrypt length"),
                          "scrypt is not a supported SQLAuthTypes type here"));
    out.push_back(refused(make("SQLPasswordArgon2", kPasswd, cx::servers, 1, 1, "SQLPasswordArgon2 length"),
                          "Argon2 is not a supported SQLAuthTypes type here"));
}

}  // namespace ward::config::tables
