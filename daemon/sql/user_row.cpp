#include "daemon/sql/user_row.hpp"

#include "base/strings.hpp"

namespace ward::sql {
namespace {

constexpr std::size_t kUserColumns = 6;
constexpr std::size_t kGroupColumns = 3;
constexpr std::size_t kMaxName = 256;

Result<std::uint32_t> id_cell(const Cell& cell, std::uint32_t fallback, const char* what) {
    if (!cell) {
        return fallback;
    }
    const auto value = parse_unsigned<std::uint32_t>(trim(*cell));
    if (!value || *value == 4'294'967'295U) {
        return Error{str_cat("the ", what, " column is not a valid id")};
    }
    return *value;
}

bool printable(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return false;
        }
    }
    return true;
}

}  // namespace

Result<UserRecord> decode_user_row(const Row& row, const Settings& settings) {
    if (row.size() != kUserColumns) {
        return Error{str_cat("the user query returned ", row.size(), " columns, not ", kUserColumns,
                             " (name, passwd, uid, gid, home, shell)")};
    }
    UserRecord r;
    if (!row[0] || row[0]->empty() || row[0]->size() > kMaxName || !printable(*row[0]) ||
        row[0]->find_first_of("/:") != std::string::npos) {
        return Error{"the user name column is NULL, empty or not a usable name"};
    }
    r.name = *row[0];
    if (!row[1]) {
        return Error{"the passwd column is NULL"};
    }
    r.hash = *row[1];
    auto uid = id_cell(row[2], static_cast<std::uint32_t>(settings.default_uid), "uid");
    if (!uid) {
        return std::move(uid).error();
    }
    auto gid = id_cell(row[3], static_cast<std::uint32_t>(settings.default_gid), "gid");
    if (!gid) {
        return std::move(gid).error();
    }
    r.uid = *uid;
    r.gid = *gid;
    r.home = row[4] && !row[4]->empty() ? *row[4] : settings.default_home;
    if (r.home.empty()) {
        return Error{"the home column is NULL or empty and there is no SQLDefaultHomedir"};
    }
    if (r.home.front() != '/' || !printable(r.home)) {
        return Error{"the home column is not an absolute path"};
    }
    r.shell = row[5] ? *row[5] : std::string();
    if (!printable(r.shell)) {
        return Error{"the shell column has control characters"};
    }
    return r;
}

Result<GroupRecord> decode_group_row(const Row& row) {
    if (row.size() != kGroupColumns) {
        return Error{str_cat("the group query returned ", row.size(), " columns, not ", kGroupColumns)};
    }
    GroupRecord g;
    if (!row[0] || row[0]->empty() || row[0]->size() > kMaxName || !printable(*row[0])) {
        return Error{"a group name is NULL, empty or not printable"};
    }
    g.name = *row[0];
    auto gid = id_cell(row[1], 0, "group gid");
    if (!gid || !row[1]) {
        return Error{"a group's gid is NULL or not a valid id"};
    }
    g.gid = *gid;
    if (row[2]) {
        for (const auto member : split(*row[2], ',')) {
            const auto name = trim(member);
            if (!name.empty()) {
                g.members.emplace_back(name);
            }
        }
    }
    return g;
}

}  // namespace ward::sql
