#pragma once
// Whether a directory entry is hidden, as ProFTPD's dir_hide_file and dir_check_op(OP_HIDE) decide it: the
// name against HideFiles, then the owner against HideUser, the group against HideGroup, then HideNoAccess.
// Pure: the caller gives the owner and group as listings name them (the worker has no NSS).
#include <cstdint>
#include <string_view>

#include "daemon/ftp/listing.hpp"
#include "daemon/ftp/session_settings.hpp"

namespace ward::ftp {

struct EntryOwner {
    std::string_view user;   // the owner's name as listings show it (or its number when it has none)
    std::string_view group;
};

// HideFiles alone: the only reason that applies to a name that does not exist yet (STOR under IgnoreHidden).
[[nodiscard]] bool hidden_by_name(const HideRules& rules, std::string_view name);

// Every reason, for an entry that exists. `uid`/`gid`: the session's, for HideNoAccess.
[[nodiscard]] bool hidden_entry(const HideRules& rules, std::string_view name, const FileFacts& facts,
                                const EntryOwner& owner, std::uint32_t uid, std::uint32_t gid);

}  // namespace ward::ftp
