#include "sandbox/landlock.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"

namespace ward::sandbox {
namespace {

// Debian 12's kernel headers are 6.1 (Landlock ABI 2): the later constants and structs are spelled out here.
constexpr std::uint64_t kFsExecute = 1ULL << 0;
constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
constexpr std::uint64_t kFsReadFile = 1ULL << 2;
constexpr std::uint64_t kFsReadDir = 1ULL << 3;
constexpr std::uint64_t kFsMakeChar = 1ULL << 6;
constexpr std::uint64_t kFsMakeBlock = 1ULL << 11;
constexpr std::uint64_t kFsAbi1 = (1ULL << 13) - 1;  // EXECUTE .. MAKE_SYM
constexpr std::uint64_t kFsRefer = 1ULL << 13;       // ABI 2
constexpr std::uint64_t kFsTruncate = 1ULL << 14;    // ABI 3
constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;    // ABI 5
constexpr std::uint64_t kFileOnly = kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate | kFsIoctlDev;
constexpr std::uint64_t kNetBindTcp = 1ULL << 0;     // ABI 4
constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;  // ABI 4
constexpr std::uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t kScopeSignal = 1ULL << 1;        // ABI 6
constexpr int kRuleNetPort = 2;

struct RulesetAttr {
    std::uint64_t handled_access_fs = 0;
    std::uint64_t handled_access_net = 0;  // ABI 4
    std::uint64_t scoped = 0;              // ABI 6
};
constexpr std::size_t kAttrSizeAbi1 = 8;
constexpr std::size_t kAttrSizeAbi4 = 16;
constexpr std::size_t kAttrSizeAbi6 = 24;
static_assert(sizeof(RulesetAttr) == kAttrSizeAbi6);

struct NetPortAttr {
    std::uint64_t allowed_access = 0;
    std::uint64_t port = 0;
};

std::uint64_t handled_fs(int abi) {
    std::uint64_t rights = kFsAbi1;
    if (abi >= 2) {
        rights |= kFsRefer;
    }
    if (abi >= 3) {
        rights |= kFsTruncate;
    }
    if (abi >= 5) {
        rights |= kFsIoctlDev;
    }
    return rights;
}

Result<void> add_tree(int ruleset, const std::string& path, std::uint64_t rights, bool skip_missing) {
    // A listed entry (skip_missing) is taken as it is: a symbolic link among them is not followed, so it cannot
    // grant what it points to (what it points to is granted or not on its own).
    UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC | (skip_missing ? O_NOFOLLOW : 0)));
    if (!fd && skip_missing && (errno == ENOENT || errno == EACCES)) {
        return {};  // gone since it was listed, or out of this process's reach anyway
    }
    if (!fd) {
        return sys::errno_error(str_cat("Landlock: open ", path));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return sys::errno_error(str_cat("Landlock: stat ", path));
    }
    if (S_ISLNK(st.st_mode)) {
        return {};
    }
    landlock_path_beneath_attr rule{};
    rule.allowed_access = S_ISDIR(st.st_mode) ? rights : (rights & kFileOnly);
    rule.parent_fd = fd.get();
    if (::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0U) != 0) {
        return sys::errno_error(str_cat("Landlock: add rule for ", path));
    }
    return {};
}

Result<void> add_port(int ruleset, std::uint16_t port, std::uint64_t access) {
    NetPortAttr rule{access, port};
    if (::syscall(SYS_landlock_add_rule, ruleset, kRuleNetPort, &rule, 0U) != 0) {
        return sys::errno_error(str_cat("Landlock: add rule for TCP port ", port));
    }
    return {};
}

// The ruleset the kernel can enforce for these rules, and what it cannot.
struct Plan {
    RulesetAttr attr;
    std::size_t attr_size = kAttrSizeAbi1;
    std::vector<std::string> not_enforced;
};

Plan plan(const LandlockRules& rules, int abi) {
    Plan p;
    if (rules.restrict_filesystem) {
        p.attr.handled_access_fs = handled_fs(abi);
        if (abi < 3) {
            p.not_enforced.push_back(str_cat("truncate(2) of files in read-only trees (needs ABI 3, kernel has ", abi,
                                             ")"));
        }
        if (abi < 5) {
            p.not_enforced.push_back(str_cat("ioctl on devices (needs ABI 5, kernel has ", abi, ")"));
        }
    }
    if (rules.tcp_bind || rules.tcp_connect) {
        if (abi >= 4) {
            p.attr.handled_access_net = (rules.tcp_bind ? kNetBindTcp : 0) | (rules.tcp_connect ? kNetConnectTcp : 0);
            p.attr_size = kAttrSizeAbi4;
        } else {
            p.not_enforced.push_back(str_cat("TCP bind/connect ports (needs ABI 4, kernel has ", abi, ")"));
        }
    }
    if (rules.isolate_ipc) {
        if (abi >= 6) {
            p.attr.scoped = kScopeAbstractUnix | kScopeSignal;
            p.attr_size = kAttrSizeAbi6;
        } else {
            p.not_enforced.push_back(str_cat("signal and abstract unix socket scoping (needs ABI 6, kernel has ", abi,
                                             ")"));
        }
    }
    return p;
}

Result<void> add_rules(int ruleset, const LandlockRules& rules, const Plan& p) {
    if (p.attr.handled_access_fs != 0) {
        const std::uint64_t read_only = kFsExecute | kFsReadFile | kFsReadDir;
        const std::uint64_t read_write = p.attr.handled_access_fs & ~(kFsMakeChar | kFsMakeBlock);
        for (const auto& tree : rules.read_only) {
            if (auto ok = add_tree(ruleset, tree, read_only, rules.skip_missing); !ok) {
                return ok;
            }
        }
        for (const auto& tree : rules.read_write) {
            if (auto ok = add_tree(ruleset, tree, read_write, rules.skip_missing); !ok) {
                return ok;
            }
        }
    }
    if ((p.attr.handled_access_net & kNetBindTcp) != 0) {
        for (const std::uint16_t port : *rules.tcp_bind) {
            if (auto ok = add_port(ruleset, port, kNetBindTcp); !ok) {
                return ok;
            }
        }
    }
    if ((p.attr.handled_access_net & kNetConnectTcp) != 0) {
        for (const std::uint16_t port : *rules.tcp_connect) {
            if (auto ok = add_port(ruleset, port, kNetConnectTcp); !ok) {
                return ok;
            }
        }
    }
    return {};
}

}  // namespace

std::string LandlockStatus::describe() const {
    std::string out;
    switch (level) {
        case Level::enforced: out = str_cat("Landlock ABI ", abi, ": fully enforced"); break;
        case Level::partial: out = str_cat("Landlock ABI ", abi, ": partially enforced"); break;
        case Level::unsupported: out = str_cat("Landlock ABI ", abi, ": not enforced"); break;
    }
    for (std::size_t i = 0; i < not_enforced.size(); ++i) {
        out += i == 0 ? "; not enforced: " : ", ";
        out += not_enforced[i];
    }
    return out;
}

std::vector<std::string> everything_but(const std::vector<std::string>& excluded) {
    const auto join = [](const std::string& dir, std::string_view name) {
        return dir == "/" ? str_cat("/", name) : str_cat(dir, "/", name);
    };
    // Excluded, or on the way to something excluded (then listed in turn, not granted whole).
    const auto excluded_or_above = [&excluded](const std::string& path, bool& above) {
        above = false;
        for (const auto& x : excluded) {
            if (x == path) {
                return true;
            }
            if (x.size() > path.size() && x.starts_with(path) && (path == "/" || x[path.size()] == '/')) {
                above = true;
            }
        }
        return above;
    };
    std::vector<std::string> grants;
    std::vector<std::string> pending{"/"};
    while (!pending.empty()) {
        const std::string dir = std::move(pending.back());
        pending.pop_back();
        UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        DIR* listing = fd ? ::fdopendir(fd.get()) : nullptr;
        if (listing == nullptr) {
            continue;  // cannot be listed: nothing of it is granted
        }
        (void)fd.release();  // closedir closes it
        while (const dirent* entry = ::readdir(listing)) {  // NOLINT(concurrency-mt-unsafe): one reader per DIR
            const std::string_view name(entry->d_name);
            if (name == "." || name == "..") {
                continue;
            }
            const std::string path = join(dir, name);
            bool above = false;
            if (!excluded_or_above(path, above)) {
                grants.push_back(path);
            } else if (above) {
                pending.push_back(path);
            }
        }
        ::closedir(listing);
    }
    return grants;
}

int landlock_abi() noexcept {
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0U, LANDLOCK_CREATE_RULESET_VERSION);
    return abi > 0 ? static_cast<int>(abi) : 0;
}

Result<LandlockStatus> landlock_restrict_self(const LandlockRules& rules) {
    LandlockStatus status;
    status.abi = landlock_abi();
    if (status.abi == 0) {
        status.not_enforced.emplace_back("everything: the kernel has no Landlock (or it is disabled)");
        return status;
    }
    Plan p = plan(rules, status.abi);
    status.not_enforced = std::move(p.not_enforced);
    if (p.attr.handled_access_fs == 0 && p.attr.handled_access_net == 0 && p.attr.scoped == 0) {
        status.level = LandlockStatus::Level::unsupported;
        return status;
    }
    UniqueFd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &p.attr, p.attr_size, 0U)));
    if (!ruleset) {
        return sys::errno_error("Landlock: create ruleset");
    }
    if (auto ok = add_rules(ruleset.get(), rules, p); !ok) {
        return std::move(ok).error();
    }
    if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0U) != 0) {
        return sys::errno_error("Landlock: restrict self");
    }
    status.level = status.not_enforced.empty() ? LandlockStatus::Level::enforced : LandlockStatus::Level::partial;
    return status;
}

}  // namespace ward::sandbox
