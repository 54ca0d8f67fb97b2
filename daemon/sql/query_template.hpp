#pragma once
// A query of SQLNamedQuery (or one built from SQLUserInfo) with ProFTPD's %-variables turned into bound
// parameters. The text the configuration gives is parsed once; every variable becomes a placeholder (?N for
// SQLite, $N for PostgreSQL) and its value travels separately (sqlite3_bind_text, PQexecParams), so nothing a
// client sends is ever part of SQL text.
//
//   '%U'          a quoted literal that is one variable: the placeholder replaces the literal, quotes included
//   'x-%u-%b'     a literal mixing text and variables: (CAST(?1 AS TEXT) || ... ) keeps the text as text
//   %b            a bare variable: the placeholder
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::sql {

enum class Placeholders : std::uint8_t { sqlite, postgres };

struct QueryTemplate {
    std::vector<std::string> text;       // text[i] precedes variables[i]; text has one more element
    std::vector<std::string> variables;  // "U", "b", "{transfer-status}", ... in order of appearance
    std::vector<bool> cast_to_text;      // the variable sits inside a literal with other text
};

// Parses a query. An error names an unknown variable or an unterminated literal.
[[nodiscard]] Result<QueryTemplate> parse_query(std::string_view query);

// A template with no variables at all (a query built from configuration names).
[[nodiscard]] QueryTemplate literal_query(std::string text);

// The SQL text with the backend's placeholders ($1.. or ?1..), one per variable.
[[nodiscard]] std::string render(const QueryTemplate& query, Placeholders style);

// The variables wardftpd knows, for the documentation and error messages.
[[nodiscard]] bool known_variable(std::string_view name) noexcept;

// A variable's value, by its name as in QueryTemplate::variables.
using VariableValue = std::function<std::string(std::string_view name)>;

// The values of a query's parameters, in placeholder order.
[[nodiscard]] std::vector<std::string> parameter_values(const QueryTemplate& query, const VariableValue& value);

}  // namespace ward::sql
