#include "daemon/auth/passwd_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::auth {
namespace {

bool skippable(std::string_view line) { return line.empty() || line.front() == '#' || trim(line).empty(); }

template <class T>
std::optional<T> parse_id(std::string_view text) {
    const auto value = parse_unsigned<std::uint32_t>(text);
    // (uid_t)-1 means "no change" to setresuid; never accept it as an account's id.
    if (!value || *value == 0xffffffffU) {
        return std::nullopt;
    }
    return static_cast<T>(*value);
}

bool has_nul_or_newline(std::string_view text) {
    return text.find('\0') != std::string_view::npos || text.find('\n') != std::string_view::npos ||
           text.find('\r') != std::string_view::npos;
}

// Calls each(line_number, line) for every line; lines over the limit are reported and skipped.
template <class F>
void for_each_line(std::string_view text, std::vector<Warning>* warnings, F&& each) {
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (line.size() > kMaxAuthLineBytes) {
            if (warnings != nullptr) {
                warnings->push_back({number, str_cat("line longer than ", kMaxAuthLineBytes, " bytes")});
            }
            continue;
        }
        if (!each(number, line)) {
            return;
        }
    }
}

}  // namespace

Result<std::optional<PasswdEntry>> parse_passwd_line(std::string_view line) {
    if (skippable(line)) {
        return std::optional<PasswdEntry>();
    }
    if (has_nul_or_newline(line)) {
        return Error{"control character in entry"};
    }
    const auto fields = split(line, ':');
    if (fields.size() != 7) {
        return Error{str_cat("expected 7 fields separated by ':', found ", fields.size())};
    }
    PasswdEntry entry;
    entry.name = std::string(fields[0]);
    if (entry.name.empty()) {
        return Error{"empty user name"};
    }
    entry.hash = std::string(fields[1]);
    const auto uid = parse_id<uid_t>(fields[2]);
    const auto gid = parse_id<gid_t>(fields[3]);
    if (!uid) {
        return Error{str_cat("bad uid '", fields[2], "'")};
    }
    if (!gid) {
        return Error{str_cat("bad gid '", fields[3], "'")};
    }
    entry.uid = *uid;
    entry.gid = *gid;
    entry.gecos = std::string(fields[4]);
    entry.home = std::string(fields[5]);
    if (entry.home.empty() || entry.home.front() != '/') {
        return Error{str_cat("home directory '", fields[5], "' is not an absolute path")};
    }
    entry.shell = std::string(fields[6]);
    return std::optional<PasswdEntry>(std::move(entry));
}

Result<std::optional<GroupEntry>> parse_group_line(std::string_view line) {
    if (skippable(line)) {
        return std::optional<GroupEntry>();
    }
    if (has_nul_or_newline(line)) {
        return Error{"control character in entry"};
    }
    const auto fields = split(line, ':');
    if (fields.size() != 4) {
        return Error{str_cat("expected 4 fields separated by ':', found ", fields.size())};
    }
    GroupEntry entry;
    entry.name = std::string(fields[0]);
    if (entry.name.empty()) {
        return Error{"empty group name"};
    }
    const auto gid = parse_id<gid_t>(fields[2]);
    if (!gid) {
        return Error{str_cat("bad gid '", fields[2], "'")};
    }
    entry.gid = *gid;
    if (!fields[3].empty()) {
        for (const auto member : split(fields[3], ',')) {
            const auto name = trim(member);
            if (!name.empty()) {
                entry.members.emplace_back(name);
            }
        }
    }
    return std::optional<GroupEntry>(std::move(entry));
}

std::optional<PasswdEntry> find_passwd(std::string_view text, std::string_view name, std::vector<Warning>* warnings) {
    std::optional<PasswdEntry> found;
    for_each_line(text, warnings, [&](std::size_t number, std::string_view line) {
        auto parsed = parse_passwd_line(line);
        if (!parsed) {
            if (warnings != nullptr) {
                warnings->push_back({number, parsed.error().message});
            }
            return true;
        }
        if (parsed->has_value() && (*parsed)->name == name) {
            found = std::move(**parsed);
            return false;
        }
        return true;
    });
    return found;
}

std::vector<GroupEntry> read_groups(std::string_view text, std::vector<Warning>* warnings) {
    std::vector<GroupEntry> groups;
    for_each_line(text, warnings, [&](std::size_t number, std::string_view line) {
        auto parsed = parse_group_line(line);
        if (!parsed) {
            if (warnings != nullptr) {
                warnings->push_back({number, parsed.error().message});
            }
        } else if (parsed->has_value()) {
            groups.push_back(std::move(**parsed));
        }
        return true;
    });
    return groups;
}

Result<std::string> read_auth_file(const std::string& path) {
    auto fd = sys::open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    if (!fd) {
        return std::move(fd).error();
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) {
        return sys::errno_error(str_cat("stat ", path));
    }
    if (!S_ISREG(st.st_mode)) {
        return Error{str_cat(path, ": not a regular file")};
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Error{str_cat(path, ": writable by group or others; refusing to use it")};
    }
    return sys::read_fd(fd->get(), kMaxAuthFileBytes, path);
}

}  // namespace ward::auth
