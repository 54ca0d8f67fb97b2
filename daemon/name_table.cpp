#include "daemon/name_table.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/auth/passwd_file.hpp"

namespace ward::daemon {
namespace {

void add_auth_files(NameTable& table, const auth::AuthSettings& source) {
    if (!source.user_file.empty()) {
        if (const auto text = auth::read_auth_file(source.user_file)) {
            for (const auto line : split(*text, '\n')) {
                const auto entry = auth::parse_passwd_line(line);
                if (entry && entry->has_value()) {
                    table.add_user((*entry)->uid, (*entry)->name);
                }
            }
        }
    }
    if (!source.group_file.empty()) {
        if (const auto text = auth::read_auth_file(source.group_file)) {
            for (auto& group : auth::read_groups(*text)) {
                table.add_group(group.gid, group.name);
            }
        }
    }
}

}  // namespace

NameTable::FileStamp NameTable::stamp(const std::string& path) {
    FileStamp out;
    out.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        out.inode = st.st_ino;
        out.size = st.st_size;
        out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    return out;
}

bool NameTable::stale() const {
    for (const auto& old : stamps_) {
        if (!(stamp(old.path) == old)) {
            return true;
        }
    }
    return false;
}

std::shared_ptr<const NameTable> NameTable::current(std::shared_ptr<const NameTable> table) {
    if (!table || !table->stale()) {
        return table;
    }
    log::debug(2, "user or group files changed since start-up: names for listings read again");
    return load(table->sources_);
}

std::shared_ptr<NameTable> NameTable::load(const std::vector<auth::AuthSettings>& sources) {
    auto table = std::make_shared<NameTable>();
    table->sources_ = sources;
    // Stamped before reading: a change while we read shows as stale next time, never as fresh.
    for (const char* system : {"/etc/passwd", "/etc/group"}) {
        table->stamps_.push_back(stamp(system));
    }
    for (const auto& source : sources) {
        for (const auto* path : {&source.user_file, &source.group_file}) {
            if (!path->empty()) {
                table->stamps_.push_back(stamp(*path));
            }
        }
    }
    // Virtual users first: on a clash the name the FTP users know is the one shown.
    for (const auto& source : sources) {
        add_auth_files(*table, source);
    }
    std::size_t count = 0;
    ::setpwent();
    while (const passwd* pw = ::getpwent()) {
        if (++count > kMaxEntries) {
            log::warning("more than ", kMaxEntries, " users: listings show numbers for the rest");
            break;
        }
        table->add_user(pw->pw_uid, pw->pw_name);
    }
    ::endpwent();
    count = 0;
    ::setgrent();
    while (const group* gr = ::getgrent()) {
        if (++count > kMaxEntries) {
            log::warning("more than ", kMaxEntries, " groups: listings show numbers for the rest");
            break;
        }
        table->add_group(gr->gr_gid, gr->gr_name);
    }
    ::endgrent();
    return table;
}

std::optional<std::string> NameTable::user_name(uid_t uid) const {
    const auto it = users_.find(uid);
    return it == users_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::string> NameTable::group_name(gid_t gid) const {
    const auto it = groups_.find(gid);
    return it == groups_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<gid_t> NameTable::group_id(std::string_view name) const {
    for (const auto& [gid, group] : groups_) {
        if (group == name) {
            return gid;
        }
    }
    return std::nullopt;
}

}  // namespace ward::daemon
