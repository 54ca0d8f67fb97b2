#include "daemon/sql/helper.hpp"

#include "base/strings.hpp"
#include "daemon/sql/connection.hpp"
#include "daemon/sql/password_check.hpp"
#include "daemon/sql/user_row.hpp"

namespace ward::sql {
namespace {

constexpr int kRequestTimeoutMillis = 10000;

using Variables = std::vector<std::pair<std::string, std::string>>;

VariableValue values_of(const Variables& variables) {
    return [&variables](std::string_view name) -> std::string {
        for (const auto& [key, value] : variables) {
            if (key == name) {
                return value;
            }
        }
        return {};
    };
}

LookupAnswer failed(LookupStatus status, std::string reason) {
    LookupAnswer answer;
    answer.status = status;
    answer.reason = std::move(reason);
    return answer;
}

Result<std::string> user_salt(const Settings& settings, Connection& db, const UserRecord& user,
                              const Variables& variables) {
    switch (settings.user_salt.source) {
        case SaltSource::name: return user.name;
        case SaltSource::uid: return std::to_string(user.uid);
        case SaltSource::query: {
            const NamedQuery* query = settings.query(settings.user_salt.value);
            auto rows = db.run(query->query, parameter_values(query->query, values_of(variables)));
            if (!rows) {
                return std::move(rows).error();
            }
            if (rows->empty() || rows->front().empty() || !rows->front().front()) {
                return Error{str_cat("SQLPasswordUserSalt: the query '", query->name, "' found no salt")};
            }
            return *rows->front().front();
        }
        default: return std::string();
    }
}

void add_groups(const Settings& settings, Connection& db, LookupAnswer& answer) {
    if (settings.group_name_query) {
        const std::vector<std::string> gid{std::to_string(answer.gid)};
        if (auto rows = db.run(*settings.group_name_query, gid); rows && !rows->empty() && !rows->front().empty() &&
                                                                 rows->front().front()) {
            answer.group_name = rows->front().front()->substr(0, Limits::name);
        }
    }
    if (settings.group_member_query) {
        const std::vector<std::string> pattern{str_cat("%", answer.name, "%")};
        auto rows = db.run(*settings.group_member_query, pattern);
        if (!rows) {
            return;
        }
        for (const auto& row : *rows) {
            auto group = decode_group_row(row);
            if (!group || answer.groups.size() >= Limits::groups) {
                continue;
            }
            for (const auto& member : group->members) {
                if (member == answer.name) {
                    answer.groups.emplace_back(group->gid, group->name);
                    break;
                }
            }
        }
    }
}

}  // namespace

LookupAnswer lookup(const Settings& settings, const LookupRequest& request) {
    auto db = connect(settings);
    if (!db) {
        return failed(LookupStatus::error, db.error().message);
    }
    auto rows = (*db)->run(settings.user_query, parameter_values(settings.user_query, values_of(request.variables)));
    if (!rows) {
        return failed(LookupStatus::error, rows.error().message);
    }
    if (rows->empty()) {
        return failed(LookupStatus::no_such_user, "No such user found");
    }
    if (rows->size() > 1) {
        return failed(LookupStatus::refused, "the user query matched more than one row");
    }
    auto user = decode_user_row(rows->front(), settings);
    if (!user) {
        return failed(LookupStatus::refused, user.error().message);
    }
    SaltValues salts;
    if (auto salt = user_salt(settings, **db, *user, request.variables); salt) {
        salts.user = std::move(*salt);
    } else {
        return failed(LookupStatus::error, salt.error().message);
    }
    if (!check_password(settings, request.password, user->hash, salts)) {
        return failed(LookupStatus::refused, "Incorrect password");
    }
    LookupAnswer answer;
    answer.status = LookupStatus::authenticated;
    answer.name = user->name;
    answer.uid = user->uid;
    answer.gid = user->gid;
    answer.home = user->home.substr(0, Limits::path);
    answer.shell = user->shell.substr(0, Limits::path);
    add_groups(settings, **db, answer);
    return answer;
}

LogAnswer write_log(const Settings& settings, const LogRequest& request) {
    LogAnswer answer;
    const NamedQuery* query = settings.query(request.query);
    if (query == nullptr) {
        answer.error = str_cat("no SQLNamedQuery is named '", request.query, "'");
        return answer;
    }
    auto db = connect(settings);
    if (!db) {
        answer.error = db.error().message;
        return answer;
    }
    auto rows = (*db)->run(query->query, parameter_values(query->query, values_of(request.variables)));
    if (!rows) {
        answer.error = rows.error().message;
        return answer;
    }
    answer.ok = true;
    return answer;
}

CheckAnswer check(const Settings& settings) {
    CheckAnswer answer;
    auto db = connect(settings);
    if (!db) {
        answer.problems.push_back(db.error().message);
        return answer;
    }
    if (settings.auth) {
        if (auto prepared = (*db)->prepare(settings.user_query); !prepared) {
            answer.problems.push_back(str_cat("the user query: ", prepared.error().message));
        }
    }
    for (const auto& query : settings.queries) {
        if (answer.problems.size() >= Limits::problems) {
            break;
        }
        if (auto prepared = (*db)->prepare(query.query); !prepared) {
            answer.problems.push_back(str_cat(query.where, ": SQLNamedQuery ", query.name, ": ", prepared.error().message));
        }
    }
    return answer;
}

int serve_one(const Settings& settings, int fd) {
    auto request = receive_message(fd, kRequestTimeoutMillis);
    if (!request) {
        return 2;
    }
    Message answer;
    if (const auto* lookup_request = std::get_if<LookupRequest>(&*request)) {
        answer = lookup(settings, *lookup_request);
    } else if (const auto* log_request = std::get_if<LogRequest>(&*request)) {
        answer = write_log(settings, *log_request);
    } else if (std::holds_alternative<CheckRequest>(*request)) {
        answer = check(settings);
    } else {
        return 2;
    }
    return send_message(fd, answer) ? 0 : 1;
}

}  // namespace ward::sql
