// mod_sql_postgres.c: SQLConnectInfo database[@host[:port]] [user [password]], or a postgresql:// URI.
#include <libpq-fe.h>

#include <array>

#include "base/strings.hpp"
#include "daemon/sql/connection.hpp"

namespace ward::sql {
namespace {

struct ClearResult {
    void operator()(PGresult* r) const noexcept { ::PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ClearResult>;

std::string pg_error(PGconn* conn) {
    std::string text = ::PQerrorMessage(conn);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    for (char& c : text) {
        if (c == '\n') {
            c = ' ';
        }
    }
    return text;
}

class PostgresConnection final : public Connection {
public:
    explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;
    PostgresConnection(PostgresConnection&&) = delete;
    PostgresConnection& operator=(PostgresConnection&&) = delete;
    ~PostgresConnection() override { ::PQfinish(conn_); }

    Result<std::vector<Row>> run(const QueryTemplate& query, const std::vector<std::string>& parameters) override {
        const std::string text = render(query, Placeholders::postgres);
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats(parameters.size(), 0);
        for (const auto& p : parameters) {
            values.push_back(p.c_str());
            lengths.push_back(static_cast<int>(p.size()));
        }
        PgResult result(::PQexecParams(conn_, text.c_str(), static_cast<int>(parameters.size()), nullptr,
                                       values.data(), lengths.data(), formats.data(), 0));
        const auto status = ::PQresultStatus(result.get());
        if (status == PGRES_COMMAND_OK) {
            return std::vector<Row>{};
        }
        if (status != PGRES_TUPLES_OK) {
            return Error{str_cat("PostgreSQL: ", pg_error(conn_), " in: ", text)};
        }
        const int rows = ::PQntuples(result.get());
        const int columns = ::PQnfields(result.get());
        if (static_cast<std::size_t>(rows) > kMaxRows) {
            return Error{str_cat("the query returned more than ", kMaxRows, " rows")};
        }
        if (static_cast<std::size_t>(columns) > kMaxColumns) {
            return Error{str_cat("the query returned more than ", kMaxColumns, " columns")};
        }
        std::vector<Row> out;
        for (int r = 0; r < rows; ++r) {
            Row row;
            for (int c = 0; c < columns; ++c) {
                if (::PQgetisnull(result.get(), r, c) != 0) {
                    row.emplace_back();
                    continue;
                }
                const auto size = static_cast<std::size_t>(::PQgetlength(result.get(), r, c));
                if (size > kMaxCell) {
                    return Error{str_cat("a value longer than ", kMaxCell, " bytes")};
                }
                row.emplace_back(std::string(::PQgetvalue(result.get(), r, c), size));
            }
            out.push_back(std::move(row));
        }
        return out;
    }

    Result<void> prepare(const QueryTemplate& query) override {
        const std::string text = render(query, Placeholders::postgres);
        PgResult result(::PQprepare(conn_, "", text.c_str(), 0, nullptr));
        if (::PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
            return Error{str_cat("PostgreSQL: ", pg_error(conn_), " in: ", text)};
        }
        return {};
    }

private:
    PGconn* conn_;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect_postgres(const Settings& settings) {
    std::string dbname = settings.database;
    std::string host;
    std::string port;
    const bool uri = dbname.find("://") != std::string::npos || dbname.find('=') != std::string::npos;
    if (!uri) {
        if (const auto at = dbname.find('@'); at != std::string::npos) {
            host = dbname.substr(at + 1);
            dbname.resize(at);
            if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
                port = host.substr(colon + 1);
                host.resize(colon);
            }
        }
    }
    std::vector<const char*> keys{"dbname", "connect_timeout", "application_name"};
    std::vector<const char*> values{dbname.c_str(), "5", "wardftpd"};
    const auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) {
            keys.push_back(key);
            values.push_back(value.c_str());
        }
    };
    add("host", host);
    add("port", port);
    add("user", settings.user);
    add("password", settings.password);
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = ::PQconnectdbParams(keys.data(), values.data(), uri ? 1 : 0);
    if (conn == nullptr) {
        return Error{"PostgreSQL: out of memory"};
    }
    if (::PQstatus(conn) != CONNECTION_OK) {
        std::string message = pg_error(conn);
        ::PQfinish(conn);
        return Error{str_cat("PostgreSQL: cannot connect to ", settings.database, ": ", message)};
    }
    return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace ward::sql
