// Fuzzes what mod_sql decodes from outside (daemon/sql/messages.cpp, user_row.cpp, query_template.cpp): the SQL
// helper's answers as the monitor reads them, a database row as the helper decodes it into an account, and
// a configured query as it becomes SQL text with placeholders. The first byte picks the parser.
//   0: a helper message. An accepted one re-encodes to exactly its bytes, and a lookup answer maps to an
//      account whose ids respect the floor (SQLMinUserUID/GID) and whose home is absolute.
//   1: a row: cells separated by 0x1f, a cell of one 0x00 byte is NULL.
//   2: query text. The rendered text has one placeholder per variable and no '%' variable left.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/monitor/sql_helper.hpp"
#include "daemon/sql/messages.hpp"
#include "daemon/sql/query_template.hpp"
#include "daemon/sql/user_row.hpp"

namespace {

void message(std::string_view bytes) {
    const auto decoded = ward::sql::decode(bytes);
    if (!decoded) {
        return;
    }
    const auto encoded = ward::sql::encode(*decoded);
    if (!encoded || *encoded != bytes) {
        std::abort();
    }
    if (const auto* answer = std::get_if<ward::sql::LookupAnswer>(&*decoded)) {
        ward::sql::Settings settings;
        const auto mapped = ward::monitor::SqlHelper::to_backend_answer(settings, *answer);
        if (mapped.account) {
            if (mapped.account->uid < settings.min_uid || mapped.account->gid < settings.min_gid ||
                mapped.account->home.empty() || mapped.account->home.front() != '/') {
                std::abort();
            }
        }
    }
}

void row(std::string_view bytes) {
    ward::sql::Row cells;
    std::size_t start = 0;
    while (start <= bytes.size() && cells.size() < 16) {
        const std::size_t end = std::min(bytes.find('\x1f', start), bytes.size());
        const std::string_view cell = bytes.substr(start, end - start);
        if (cell == std::string_view("\0", 1)) {
            cells.emplace_back();
        } else {
            cells.emplace_back(std::string(cell));
        }
        start = end + 1;
    }
    ward::sql::Settings settings;
    if (const auto user = ward::sql::decode_user_row(cells, settings)) {
        if (user->home.empty() || user->home.front() != '/' || user->uid == 4'294'967'295U) {
            std::abort();
        }
    }
    (void)ward::sql::decode_group_row(cells);
}

void query(std::string_view text) {
    const auto parsed = ward::sql::parse_query(text);
    if (!parsed) {
        return;
    }
    if (parsed->text.size() != parsed->variables.size() + 1) {
        std::abort();
    }
    const std::string rendered = ward::sql::render(*parsed, ward::sql::Placeholders::postgres);
    std::size_t placeholders = 0;
    for (std::size_t i = 0; i + 1 < rendered.size(); ++i) {
        if (rendered[i] == '$' && rendered[i + 1] >= '1' && rendered[i + 1] <= '9') {
            ++placeholders;
        }
    }
    if (placeholders < parsed->variables.size()) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0: message(bytes); break;
        case 1: row(bytes); break;
        default: query(bytes); break;
    }
    return 0;
}
