// mod_sql_sqlite.c: SQLConnectInfo names the database file; user and password are not used.
#include <sqlite3.h>

#include "base/strings.hpp"
#include "daemon/sql/connection.hpp"

namespace ward::sql {
namespace {

constexpr int kBusyTimeoutMillis = 5000;

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sqlite3* db) : db_(db) {}
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    SqliteConnection(SqliteConnection&&) = delete;
    SqliteConnection& operator=(SqliteConnection&&) = delete;
    ~SqliteConnection() override { ::sqlite3_close_v2(db_); }

    Result<std::vector<Row>> run(const QueryTemplate& query, const std::vector<std::string>& parameters) override {
        auto statement = compile(query);
        if (!statement) {
            return std::move(statement).error();
        }
        sqlite3_stmt* stmt = statement->get();
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            if (::sqlite3_bind_text64(stmt, static_cast<int>(i + 1), parameters[i].data(), parameters[i].size(),
                                      SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) {
                return failure("binding a parameter");
            }
        }
        std::vector<Row> rows;
        while (true) {
            const int step = ::sqlite3_step(stmt);
            if (step == SQLITE_DONE) {
                return rows;
            }
            if (step != SQLITE_ROW) {
                return failure("running the query");
            }
            if (rows.size() == kMaxRows) {
                return Error{str_cat("the query returned more than ", kMaxRows, " rows")};
            }
            const int columns = ::sqlite3_column_count(stmt);
            if (columns < 0 || static_cast<std::size_t>(columns) > kMaxColumns) {
                return Error{str_cat("the query returned more than ", kMaxColumns, " columns")};
            }
            Row row;
            for (int c = 0; c < columns; ++c) {
                if (::sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    row.emplace_back();
                    continue;
                }
                const auto* text = ::sqlite3_column_text(stmt, c);
                const auto size = static_cast<std::size_t>(::sqlite3_column_bytes(stmt, c));
                if (size > kMaxCell) {
                    return Error{str_cat("a value longer than ", kMaxCell, " bytes")};
                }
                row.emplace_back(std::string(reinterpret_cast<const char*>(text), size));
            }
            rows.push_back(std::move(row));
        }
    }

    Result<void> prepare(const QueryTemplate& query) override {
        auto statement = compile(query);
        if (!statement) {
            return std::move(statement).error();
        }
        return {};
    }

private:
    struct Finalize {
        void operator()(sqlite3_stmt* s) const noexcept { ::sqlite3_finalize(s); }
    };
    using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

    Result<Statement> compile(const QueryTemplate& query) {
        const std::string text = render(query, Placeholders::sqlite);
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        if (::sqlite3_prepare_v2(db_, text.c_str(), static_cast<int>(text.size()), &raw, &tail) != SQLITE_OK) {
            return Error{str_cat("SQLite: ", ::sqlite3_errmsg(db_), " in: ", text)};
        }
        Statement statement(raw);
        if (raw == nullptr) {
            return Error{str_cat("SQLite: an empty query")};
        }
        if (tail != nullptr && *tail != '\0' && trim(tail).size() > 0 && trim(tail) != ";") {
            return Error{str_cat("SQLite: more than one statement in: ", text)};
        }
        return statement;
    }

    Error failure(std::string_view what) const { return Error{str_cat("SQLite: ", what, ": ", ::sqlite3_errmsg(db_))}; }

    sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect_sqlite(const Settings& settings) {
    sqlite3* db = nullptr;
    // Never creates the file: a missing database is an error, not a new empty one.
    const int opened = ::sqlite3_open_v2(settings.database.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                         nullptr);
    if (opened != SQLITE_OK) {
        std::string message = db != nullptr ? ::sqlite3_errmsg(db) : ::sqlite3_errstr(opened);
        ::sqlite3_close_v2(db);
        return Error{str_cat("SQLite: cannot open ", settings.database, ": ", message)};
    }
    ::sqlite3_busy_timeout(db, kBusyTimeoutMillis);
    ::sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<Connection>(std::make_unique<SqliteConnection>(db));
}

Result<std::unique_ptr<Connection>> connect(const Settings& settings) {
    return settings.backend == Backend::postgres ? connect_postgres(settings) : connect_sqlite(settings);
}

}  // namespace ward::sql
