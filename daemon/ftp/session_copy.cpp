// SITE CPFR / SITE CPTO (ProFTPD's mod_copy): copy a file inside the session's root without a round trip
// through the client. CPFR is checked as SITE_CPFR (READ) on the source, CPTO as SITE_CPTO (WRITE) on the
// destination; AllowOverwrite and Umask apply as for STOR. A copy that fails half-way is removed, never
// left looking complete.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {
namespace {

// 0 or an errno value.
int copy_bytes(int from, int to) noexcept {
    std::array<char, 65536> buffer{};
    for (;;) {
        const ssize_t got = ::read(from, buffer.data(), buffer.size());
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (got == 0) {
            return 0;
        }
        std::size_t done = 0;
        while (done < static_cast<std::size_t>(got)) {
            const ssize_t put = ::write(to, buffer.data() + done, static_cast<std::size_t>(got) - done);
            if (put < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return errno;
            }
            done += static_cast<std::size_t>(put);
        }
    }
}

}  // namespace

void SessionImpl::site_cpfr(CommandContext& ctx, const ParsedCommand& sub) {
    copy_from_.reset();
    if (!sub.has_argument) {
        finish(ctx, 501, "'SITE CPFR' requires a path");
        return;
    }
    const std::string vpath = to_vpath(sub.argument);
    if (!permitted(ctx, "SITE_CPFR", vpath, sub.argument) || !name_allowed(ctx, sub.argument)) {
        return;
    }
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        fail_errno(ctx, 550, sub.argument, err);
        return;
    }
    copy_from_ = vpath;
    finish(ctx, 350, "File or directory exists, ready for destination name");
}

void SessionImpl::site_cpto(CommandContext& ctx, const ParsedCommand& sub) {
    if (!copy_from_) {
        finish(ctx, 503, "Bad sequence of commands");
        return;
    }
    const std::string from = *copy_from_;
    copy_from_.reset();
    if (!sub.has_argument) {
        finish(ctx, 501, "'SITE CPTO' requires a path");
        return;
    }
    const std::string vpath = to_vpath(sub.argument);
    if (!name_allowed(ctx, sub.argument) || !permitted(ctx, "SITE_CPTO", vpath, sub.argument)) {
        return;
    }
    UniqueFd source;
    if (const int err = fs_.open(from, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, source); err != 0) {
        fail_errno(ctx, 550, sub.argument, err);
        return;
    }
    struct stat st {};
    if (::fstat(source.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        // mod_copy copies directories recursively; wardftpd copies regular files only.
        finish(ctx, 550, str_cat(sub.argument, ": Copying is limited to regular files"));
        return;
    }
    const PathRules rules = rules_for(vpath);
    int flags = O_WRONLY | O_CREAT | O_NOCTTY | O_NOFOLLOW;
    flags |= rules.allow_overwrite ? O_TRUNC : O_EXCL;
    const mode_t mode = 0666 & ~rules.umask;
    UniqueFd target;
    if (const int err = fs_.open(vpath, flags, mode, target); err != 0) {
        if (err == EEXIST) {
            finish(ctx, 550, str_cat(sub.argument, ": Overwrite permission denied"));
        } else {
            fail_errno(ctx, 550, sub.argument, err);
        }
        return;
    }
    if (const int err = copy_bytes(source.get(), target.get()); err != 0) {
        target.reset();
        (void)fs_.unlink(vpath);
        log::notice("SITE CPTO ", real(vpath), ": ", sys::errno_name(err), "; partial copy removed");
        fail_errno(ctx, 550, sub.argument, err);
        return;
    }
    ctx.event.file_size = static_cast<std::uint64_t>(st.st_size);
    finish(ctx, 250, "Copy successful");
}

}  // namespace ward::ftp
