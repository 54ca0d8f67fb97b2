#pragma once
// One connection to the database, in the SQL helper process only: every query runs with its parameters
// bound (sqlite3_bind_text, PQexecParams), never spliced into the text.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/sql/query_template.hpp"
#include "daemon/sql/settings.hpp"

namespace ward::sql {

using Cell = std::optional<std::string>;  // nullopt: SQL NULL
using Row = std::vector<Cell>;

// Rows a lookup may return at most: a user query that matches more than one row is an error anyway.
inline constexpr std::size_t kMaxRows = 64;
inline constexpr std::size_t kMaxColumns = 16;
inline constexpr std::size_t kMaxCell = 4096;

class Connection {
public:
    virtual ~Connection() = default;
    // Runs a query; rows past kMaxRows, columns past kMaxColumns and cells longer than kMaxCell are an error.
    [[nodiscard]] virtual Result<std::vector<Row>> run(const QueryTemplate& query,
                                                       const std::vector<std::string>& parameters) = 0;
    // Prepares a query without running it (-t): the database knows every table and column it names.
    [[nodiscard]] virtual Result<void> prepare(const QueryTemplate& query) = 0;
};

[[nodiscard]] Result<std::unique_ptr<Connection>> connect_sqlite(const Settings& settings);
[[nodiscard]] Result<std::unique_ptr<Connection>> connect_postgres(const Settings& settings);
[[nodiscard]] Result<std::unique_ptr<Connection>> connect(const Settings& settings);

}  // namespace ward::sql
