#include "daemon/sql/settings.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/values.hpp"

namespace ward::sql {
namespace {

using config::Directive;

constexpr std::size_t kMaxSaltFile = 4096;

Error at(const Directive& d, std::string_view message) {
    return Error{str_cat(config::to_string(d.where), ": ", d.name, ": ", message)};
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
    return out;
}

std::string where(const Directive& d) { return config::to_string(d.where); }

template <class Id>
Id id_value(const Directive& d) {
    return static_cast<Id>(parse_unsigned<std::uint64_t>(d.args.at(0)).value_or(0));
}

// A query built from configuration names plus the variables the helper fills in itself.
QueryTemplate built_query(std::vector<std::string> text, std::vector<std::string> variables) {
    QueryTemplate q;
    q.text = std::move(text);
    q.cast_to_text.assign(variables.size(), false);
    q.variables = std::move(variables);
    return q;
}

std::string column_or_null(const std::string& column) { return iequals(column, "NULL") ? "NULL" : column; }

Result<void> read_user_info(const config::Server& server, Settings& s, std::vector<std::string>& warnings) {
    const Directive* info = server.get("SQLUserInfo");
    const Directive* clause = server.get("SQLUserWhereClause");
    if (info == nullptr) {
        // ProFTPD's default table and columns.
        s.user_query = built_query({"SELECT userid, passwd, uid, gid, homedir, shell FROM users WHERE (userid = ", ")"},
                                   {"U"});
    } else if (info->args.size() == 1) {
        const std::string name = info->args[0].substr(std::string_view("custom:/").size());
        const auto slash = name.find('/');
        const NamedQuery* query = s.query(name.substr(0, slash));
        if (query == nullptr || !iequals(query->type, "SELECT")) {
            return at(*info, str_cat("'", name.substr(0, slash), "' is not a SELECT SQLNamedQuery"));
        }
        if (clause != nullptr) {
            return at(*clause, "has no effect with SQLUserInfo custom:/ (put the condition in the query)");
        }
        if (slash != std::string::npos) {
            warnings.push_back(str_cat(where(*info), ": SQLUserInfo: only the lookup by name ('", name.substr(0, slash),
                                       "') is used; wardftpd needs no lookup by id or list of users ('",
                                       name.substr(slash + 1), "')"));
        }
        s.user_query = query->query;
        return {};
    } else {
        const auto& a = info->args;
        s.user_query = built_query({str_cat("SELECT ", a[1], ", ", column_or_null(a[2]), ", ", column_or_null(a[3]), ", ",
                                            column_or_null(a[4]), ", ", column_or_null(a[5]), ", ",
                                            column_or_null(a[6]), " FROM ", a[0], " WHERE (", a[1], " = "),
                                    ")"},
                                   {"U"});
    }
    if (clause != nullptr) {
        auto parsed = parse_query(clause->args.at(0));
        if (!parsed) {
            return at(*clause, parsed.error().message);
        }
        // " AND (clause)" after the user condition.
        s.user_query.text.back() += " AND (";
        for (std::size_t i = 0; i < parsed->variables.size(); ++i) {
            s.user_query.text.back() += parsed->text[i];
            s.user_query.variables.push_back(parsed->variables[i]);
            s.user_query.cast_to_text.push_back(parsed->cast_to_text[i]);
            s.user_query.text.emplace_back();
        }
        s.user_query.text.back() += parsed->text.back() + ")";
    }
    return {};
}

void read_group_info(const config::Server& server, Settings& s) {
    const Directive* info = server.get("SQLGroupInfo");
    if (info == nullptr) {
        return;  // groups come from the user row's gid only
    }
    const auto& a = info->args;
    s.group_name_query = built_query({str_cat("SELECT ", a[1], " FROM ", a[0], " WHERE (", a[2], " = "), ")"}, {"{gid}"});
    s.group_member_query = built_query({str_cat("SELECT ", a[1], ", ", a[2], ", ", a[3], " FROM ", a[0], " WHERE (", a[3],
                                                " LIKE "),
                                        ")"},
                                       {"{member-pattern}"});
}

Result<void> read_auth_types(const config::Server& server, Settings& s, std::vector<std::string>& warnings) {
    const bool plaintext_allowed = [&] {
        const Directive* d = server.get("SQLPlaintextAllowed");
        return d != nullptr && config::as_bool(*d);
    }();
    const bool passwd_engine = [&] {
        const Directive* d = server.get("SQLPasswordEngine");
        return d == nullptr || config::as_bool(*d);
    }();
    for (const Directive* d : server.get_all("SQLAuthTypes")) {
        for (const auto& type : d->args) {
            if (iequals(type, "Crypt")) {
                s.auth_types.push_back(AuthType::crypt);
            } else if (iequals(type, "SHA256") || iequals(type, "SHA512")) {
                if (!passwd_engine) {
                    return at(*d, str_cat(type, " is mod_sql_passwd's, and SQLPasswordEngine is off"));
                }
                s.auth_types.push_back(iequals(type, "SHA256") ? AuthType::sha256 : AuthType::sha512);
            } else if (iequals(type, "Plaintext")) {
                if (!plaintext_allowed) {
                    return at(*d, "Plaintext keeps every password readable in the database; it is refused unless "
                                  "SQLPlaintextAllowed on is set");
                }
                warnings.push_back(str_cat(where(*d), ": SQLAuthTypes: Plaintext passwords are accepted "
                                                      "(SQLPlaintextAllowed on); anyone who reads the database "
                                                      "can log in as any user"));
                s.auth_types.push_back(AuthType::plaintext);
            }
        }
    }
    return {};
}

Result<Salt> read_salt(const Directive* d, bool file) {
    Salt salt;
    if (d == nullptr || iequals(d->args[0], "none")) {
        return salt;
    }
    salt.prepend = d->args.size() == 2 && iequals(d->args[1], "Prepend");
    if (file) {
        auto text = sys::read_file(d->args[0], kMaxSaltFile);
        if (!text) {
            return at(*d, text.error().message);
        }
        std::string value = std::move(*text);
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.pop_back();
        }
        salt.source = SaltSource::file;
        salt.value = std::move(value);
    } else if (iequals(d->args[0], "name")) {
        salt.source = SaltSource::name;
    } else if (iequals(d->args[0], "uid")) {
        salt.source = SaltSource::uid;
    } else {
        salt.source = SaltSource::query;
        salt.value = d->args[0].substr(std::string_view("sql:/").size());
    }
    return salt;
}

Result<void> read_connection(const config::Server& server, Settings& s) {
    const Directive* backend = server.get("SQLBackend");
    const Directive* info = server.get("SQLConnectInfo");
    if (backend == nullptr) {
        return at(*info, "needs SQLBackend sqlite3 or SQLBackend postgres (wardftpd has both backends)");
    }
    s.backend = iequals(backend->args[0], "postgres") ? Backend::postgres : Backend::sqlite;
    s.database = info->args[0];
    if (info->args.size() > 1) {
        s.user = info->args[1];
    }
    if (info->args.size() > 2) {
        s.password = info->args[2];
    }
    if (s.backend == Backend::sqlite && s.database.front() != '/') {
        return at(*info, str_cat("the SQLite database '", s.database, "' must be an absolute path"));
    }
    return {};
}

Result<void> read_queries(const config::Server& server, Settings& s) {
    for (const Directive* d : server.get_all("SQLNamedQuery")) {
        NamedQuery q;
        q.name = d->args[0];
        q.type = upper(d->args[1]);
        q.where = where(*d);
        std::string text;
        if (q.type == "SELECT") {
            text = str_cat("SELECT ", d->args[2]);
        } else if (q.type == "UPDATE") {
            text = str_cat("UPDATE ", d->args[3], " SET ", d->args[2]);
        } else if (q.type == "INSERT") {
            text = str_cat("INSERT INTO ", d->args[3], " VALUES (", d->args[2], ")");
        } else {
            text = d->args[2];
        }
        auto parsed = parse_query(text);
        if (!parsed) {
            return at(*d, parsed.error().message);
        }
        q.query = std::move(*parsed);
        if (s.query(q.name) != nullptr) {
            return at(*d, str_cat("a query named '", q.name, "' is already defined"));
        }
        s.queries.push_back(std::move(q));
    }
    for (const Directive* d : server.get_all("SQLLog")) {
        LogRule rule;
        rule.where = where(*d);
        for (const auto command : split(d->args[0], ',')) {
            std::string name = upper(command);
            if (name.starts_with("ERR_")) {
                rule.on_error = true;
                name = name.substr(4);
            }
            rule.commands.push_back(std::move(name));
        }
        rule.query = d->args[1];
        rule.ignore_errors = d->args.size() == 3;
        const NamedQuery* query = s.query(rule.query);
        if (query == nullptr) {
            return at(*d, str_cat("no SQLNamedQuery is named '", rule.query, "'"));
        }
        if (query->type == "SELECT") {
            return at(*d, str_cat("'", rule.query, "' is a SELECT query; SQLLog runs UPDATE, INSERT or FREEFORM ones"));
        }
        s.log_rules.push_back(std::move(rule));
    }
    return {};
}

}  // namespace

const NamedQuery* Settings::query(std::string_view name) const {
    for (const auto& q : queries) {
        if (q.name == name) {
            return &q;
        }
    }
    return nullptr;
}

Result<std::shared_ptr<const Settings>> read_settings(const config::Server& server, std::vector<std::string>& warnings) {
    const Directive* engine = server.get("SQLEngine");
    const Directive* info = server.get("SQLConnectInfo");
    const std::string mode = engine != nullptr ? to_lower(engine->args[0]) : std::string("on");
    const auto flag = config::parse_bool(mode);
    const bool off = flag.has_value() && !*flag;
    if (off || info == nullptr) {
        if (!off && engine != nullptr) {
            return at(*engine, "needs SQLConnectInfo");
        }
        return std::shared_ptr<const Settings>{};
    }
    auto s = std::make_shared<Settings>();
    const bool on = flag.value_or(false);
    s->auth = on || mode == "auth";
    s->log = on || mode == "log";
    if (const Directive* a = server.get("SQLAuthenticate")) {
        const bool users = std::any_of(a->args.begin(), a->args.end(), [](const std::string& w) {
            return iequals(w, "users") || iequals(w, "userset") || iequals(w, "usersetfast") || iequals(w, "on");
        });
        s->auth = s->auth && users;
    }
    if (auto read = read_connection(server, *s); !read) {
        return std::move(read).error();
    }
    if (auto read = read_queries(server, *s); !read) {
        return std::move(read).error();
    }
    if (auto read = read_user_info(server, *s, warnings); !read) {
        return std::move(read).error();
    }
    read_group_info(server, *s);
    if (auto read = read_auth_types(server, *s, warnings); !read) {
        return std::move(read).error();
    }
    if (s->auth && s->auth_types.empty()) {
        // As in ProFTPD, no SQL user can then log in; said rather than left to surprise.
        warnings.push_back(str_cat(where(*info), ": mod_sql: no SQLAuthTypes is configured, so no SQL user can log in "
                                                 "(give SQLAuthTypes Crypt, SHA256 or SHA512)"));
        s->auth = false;
    }
    if (const Directive* d = server.get("SQLMinID")) {
        s->min_uid = id_value<uid_t>(*d);
        s->min_gid = id_value<gid_t>(*d);
    }
    if (const Directive* d = server.get("SQLMinUserUID")) {
        s->min_uid = id_value<uid_t>(*d);
    }
    if (const Directive* d = server.get("SQLMinUserGID")) {
        s->min_gid = id_value<gid_t>(*d);
    }
    if (const Directive* d = server.get("SQLDefaultUID")) {
        s->default_uid = id_value<uid_t>(*d);
    }
    if (const Directive* d = server.get("SQLDefaultGID")) {
        s->default_gid = id_value<gid_t>(*d);
    }
    if (const Directive* d = server.get("SQLDefaultHomedir")) {
        s->default_home = d->args[0];
    }
    if (const Directive* d = server.get("SQLLogFile")) {
        s->log_file = d->args[0];
    }
    if (const Directive* d = server.get("SQLPasswordEncoding")) {
        s->encoding = d->args[0] == "base64" ? Encoding::base64
                      : d->args[0] == "HEX"  ? Encoding::hex_upper
                                             : Encoding::hex_lower;
    }
    auto user_salt = read_salt(server.get("SQLPasswordUserSalt"), false);
    if (!user_salt) {
        return std::move(user_salt).error();
    }
    s->user_salt = std::move(*user_salt);
    if (s->user_salt.source == SaltSource::query && s->query(s->user_salt.value) == nullptr) {
        return at(*server.get("SQLPasswordUserSalt"), str_cat("no SQLNamedQuery is named '", s->user_salt.value, "'"));
    }
    auto file_salt = read_salt(server.get("SQLPasswordSaltFile"), true);
    if (!file_salt) {
        return std::move(file_salt).error();
    }
    s->file_salt = std::move(*file_salt);
    return std::shared_ptr<const Settings>(std::move(s));
}

}  // namespace ward::sql
