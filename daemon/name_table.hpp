#pragma once
// uid/gid -> name for LIST and MLSD, read by the master at start-up and on reload (the system's database
// and every AuthUserFile/AuthGroupFile), inherited by each session: a confined worker never calls NSS.
#include <sys/types.h>

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

    [[nodiscard]] std::optional<std::string> user_name(uid_t uid) const override;
    [[nodiscard]] std::optional<std::string> group_name(gid_t gid) const override;
    [[nodiscard]] std::optional<gid_t> group_id(std::string_view name) const override;

    void add_user(uid_t uid, const std::string& name) { users_.try_emplace(uid, name); }
    void add_group(gid_t gid, const std::string& name) { groups_.try_emplace(gid, name); }

private:
    std::unordered_map<uid_t, std::string> users_;
    std::unordered_map<gid_t, std::string> groups_;
};

}  // namespace ward::daemon
