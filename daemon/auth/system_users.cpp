#include "daemon/auth/system_users.hpp"

#include <grp.h>
#include <pwd.h>
#include <shadow.h>

#include <cerrno>
#include <cstring>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/auth/nss_buffer.hpp"

namespace ward::auth {
namespace {

constexpr std::size_t kMaxGroups = 4096;
constexpr std::size_t kMaxListFileBytes = std::size_t{1024} * 1024;

PasswdEntry from_passwd(const passwd& pw) {
    PasswdEntry entry;
    entry.name = pw.pw_name != nullptr ? pw.pw_name : "";
    entry.hash = pw.pw_passwd != nullptr ? pw.pw_passwd : "";
    entry.uid = pw.pw_uid;
    entry.gid = pw.pw_gid;
    entry.gecos = pw.pw_gecos != nullptr ? pw.pw_gecos : "";
    entry.home = pw.pw_dir != nullptr ? pw.pw_dir : "";
    entry.shell = pw.pw_shell != nullptr ? pw.pw_shell : "";
    return entry;
}

void use_shadow_hash(PasswdEntry& entry) {
    if (entry.hash != "x") {
        return;
    }
    spwd sp{};
    spwd* found = nullptr;
    std::string buffer;
    const bool ok = nss_lookup(buffer, [&](char* data, std::size_t size) {
        return ::getspnam_r(entry.name.c_str(), &sp, data, size, &found);
    });
    if (ok && found != nullptr && found->sp_pwdp != nullptr) {
        entry.hash = found->sp_pwdp;
    }
    ::explicit_bzero(buffer.data(), buffer.size());
}

// Lines of a list file (/etc/shells, /etc/ftpusers) without comments and blanks.
bool list_file_contains(const std::string& path, std::string_view wanted) {
    const auto text = sys::read_file(path, kMaxListFileBytes);
    if (!text) {
        return false;
    }
    for (const auto line : split(*text, '\n')) {
        const auto entry = trim(line);
        if (!entry.empty() && entry.front() != '#' && entry == wanted) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::optional<PasswdEntry> system_user(std::string_view name) {
    if (name.empty() || name.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string key(name);
    passwd pw{};
    passwd* found = nullptr;
    std::string buffer;
    const bool ok = nss_lookup(buffer, [&](char* data, std::size_t size) {
        return ::getpwnam_r(key.c_str(), &pw, data, size, &found);
    });
    if (!ok || found == nullptr) {
        return std::nullopt;
    }
    PasswdEntry entry = from_passwd(pw);
    use_shadow_hash(entry);
    return entry;
}

std::optional<PasswdEntry> system_user_by_uid(uid_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::string buffer;
    if (!nss_lookup(buffer, [&](char* data, std::size_t size) { return ::getpwuid_r(uid, &pw, data, size, &found); }) ||
        found == nullptr) {
        return std::nullopt;
    }
    PasswdEntry entry = from_passwd(pw);
    entry.hash.clear();  // never needed by uid
    return entry;
}

std::optional<gid_t> system_group_id(std::string_view name) {
    if (name.empty() || name.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::string key(name);
    group gr{};
    group* found = nullptr;
    std::string buffer;
    const bool ok = nss_lookup(buffer, [&](char* data, std::size_t size) {
        return ::getgrnam_r(key.c_str(), &gr, data, size, &found);
    });
    if (!ok || found == nullptr) {
        return std::nullopt;
    }
    return gr.gr_gid;
}

std::optional<std::string> system_group_name(gid_t gid) {
    group gr{};
    group* found = nullptr;
    std::string buffer;
    if (!nss_lookup(buffer, [&](char* data, std::size_t size) { return ::getgrgid_r(gid, &gr, data, size, &found); }) ||
        found == nullptr || gr.gr_name == nullptr) {
        return std::nullopt;
    }
    return std::string(gr.gr_name);
}

std::vector<gid_t> system_groups_of(std::string_view name, gid_t primary) {
    const std::string key(name);
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    while (::getgrouplist(key.c_str(), primary, groups.data(), &count) < 0) {
        if (static_cast<std::size_t>(count) > kMaxGroups) {
            count = static_cast<int>(kMaxGroups);
            break;
        }
        groups.resize(static_cast<std::size_t>(count));
    }
    groups.resize(static_cast<std::size_t>(std::max(count, 0)));
    if (groups.empty()) {
        groups.push_back(primary);
    }
    return groups;
}

bool shell_is_listed(std::string_view shell) { return list_file_contains("/etc/shells", shell); }

bool listed_in_ftpusers(std::string_view name) { return list_file_contains("/etc/ftpusers", name); }

}  // namespace ward::auth
