#include "daemon/auth/auth_file_check.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::auth {
namespace {

std::string perms(const struct stat& st) {
    static constexpr char kDigits[] = "01234567";
    const auto mode = static_cast<unsigned>(st.st_mode & 07777U);
    return {kDigits[(mode >> 9U) & 7U], kDigits[(mode >> 6U) & 7U], kDigits[(mode >> 3U) & 7U], kDigits[mode & 7U]};
}

std::string parent_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

Result<void> check_parent(std::string_view name, const std::string& path) {
    const std::string dir = parent_of(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        return sys::errno_error(dir);
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        return Error{str_cat("unable to use ", name, " '", path, "' from world-writable directory '", dir, "' (perms ",
                             perms(st), ")")};
    }
    return {};
}

Result<void> check_file(std::string_view name, const std::string& path, bool may_be_world_readable) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        // A file that is not there yet has no permissions to judge; logins report it unreadable (as before).
        return errno == ENOENT ? Result<void>{} : Result<void>(sys::errno_error(path));
    }
    std::string target = path;
    if (S_ISLNK(st.st_mode)) {
        // Whoever may write the link's directory may point it elsewhere; then the target is judged.
        if (auto parent = check_parent(name, path); !parent) {
            return parent;
        }
        std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr), &::free);
        if (!resolved || ::stat(resolved.get(), &st) != 0) {
            return sys::errno_error(path);
        }
        target = resolved.get();
    }
    if (S_ISDIR(st.st_mode)) {
        return Error{str_cat("unable to use ", name, " '", target, "': is a directory")};
    }
    if ((st.st_mode & S_IROTH) != 0 && !may_be_world_readable) {
        return Error{str_cat("unable to use world-readable ", name, " '", target, "' (perms ", perms(st), ")")};
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        return Error{str_cat("unable to use world-writable ", name, " '", target, "' (perms ", perms(st), ")")};
    }
    return check_parent(name, target);
}

}  // namespace

Result<void> check_auth_file_permissions(const config::ServerSet& servers) {
    struct File {
        std::string_view name;
        bool may_be_world_readable;  // group files hold no secret
    };
    for (const auto& server : servers.servers()) {
        for (const File file : {File{"AuthUserFile", false}, File{"AuthGroupFile", true}}) {
            const config::Directive* d = server.get(file.name);
            if (d == nullptr || d->args.empty()) {
                continue;
            }
            if (auto checked = check_file(file.name, d->args.front(), file.may_be_world_readable); !checked) {
                return Error{str_cat(config::to_string(d->where), ": ", checked.error().message)};
            }
        }
    }
    return {};
}

}  // namespace ward::auth
