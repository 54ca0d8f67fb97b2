#pragma once
// uid/gid -> name for LIST and MLSD, read by the master at start-up and on reload (the system's database
// and every AuthUserFile/AuthGroupFile), inherited by each session: a confined worker never calls NSS.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/auth/authenticator.hpp"
#include "daemon/ftp/session_host.hpp"

namespace ward::daemon {

class NameTable final : public ftp::NameCache {
public:
    // Entries beyond this many users or groups are left out (a directory service can list millions).
    static constexpr std::size_t kMaxEntries = 200000;

    [[nodiscard]] static std::shared_ptr<NameTable> load(const std::vector<auth::AuthSettings>& sources);
    // `table`, or a fresh load of its sources when one of the files it read has changed since (a user
    // added after start-up is listed by name from the next login on). Called before confinement.
    [[nodiscard]] static std::shared_ptr<const NameTable> current(std::shared_ptr<const NameTable> table);

    [[nodiscard]] std::optional<std::string> user_name(uid_t uid) const override;
    [[nodiscard]] std::optional<std::string> group_name(gid_t gid) const override;
    [[nodiscard]] std::optional<gid_t> group_id(std::string_view name) const override;

    void add_user(uid_t uid, const std::string& name) { users_.try_emplace(uid, name); }
    void add_group(gid_t gid, const std::string& name) { groups_.try_emplace(gid, name); }

private:
    struct FileStamp {
        std::string path;
        ino_t inode = 0;
        off_t size = 0;
        std::int64_t mtime_ns = 0;
        bool operator==(const FileStamp&) const = default;
    };
    [[nodiscard]] static FileStamp stamp(const std::string& path);
    [[nodiscard]] bool stale() const;

    std::vector<auth::AuthSettings> sources_;
    std::vector<FileStamp> stamps_;  // /etc/passwd, /etc/group and every AuthUserFile/AuthGroupFile read
    std::unordered_map<uid_t, std::string> users_;
    std::unordered_map<gid_t, std::string> groups_;
};

}  // namespace ward::daemon
