// File transfers: REST RETR STOR APPE STOU ABOR, and the TransferLog.
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/session_impl.hpp"
#include "daemon/ftp/vpath.hpp"
#include "daemon/ftp/xferlog.hpp"

namespace ward::ftp {
namespace {

constexpr int kStouAttempts = 64;

std::string unique_suffix() {
    std::uint32_t value = 0;
    if (::getrandom(&value, sizeof value, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof value)) {
        value = static_cast<std::uint32_t>(::time(nullptr)) ^ static_cast<std::uint32_t>(::getpid());
    }
    constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out;
    for (int i = 0; i < 6; ++i) {
        out += kAlphabet[value % 62];
        value /= 62;
    }
    return out;
}

exec::TransferStatus status_of(TransferResult::Outcome outcome) noexcept {
    switch (outcome) {
        case TransferResult::Outcome::complete: return exec::TransferStatus::success;
        case TransferResult::Outcome::failed: return exec::TransferStatus::failed;
        case TransferResult::Outcome::aborted: return exec::TransferStatus::cancelled;
        case TransferResult::Outcome::timeout: return exec::TransferStatus::timeout;
    }
    return exec::TransferStatus::failed;
}

}  // namespace

void SessionImpl::cmd_rest(CommandContext& ctx) {
    const auto offset = parse_rest_argument(ctx.argument);
    if (!offset) {
        finish(ctx, 501, "REST requires a value greater than or equal to 0");
        return;
    }
    if (*offset != 0 && !binary_) {
        finish(ctx, 501, "REST: Resuming transfers not allowed in ASCII mode");
        return;
    }
    rest_ = *offset;
    ctx.event.file_offset = *offset;
    finish(ctx, 350, str_cat("Restarting at ", *offset, ". Send STORE or RETRIEVE to initiate transfer"));
}

void SessionImpl::fill_transfer_event(CommandContext& ctx, const TransferResult& result,
                                      Clock::time_point started) const {
    ctx.event.bytes = result.bytes;
    ctx.event.transfer_status = status_of(result.outcome);
    ctx.event.transfer_failure = result.outcome == TransferResult::Outcome::complete ? std::string() : result.reason;
    ctx.event.transfer_binary = binary_;
    ctx.event.transfer_millis = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
}

void SessionImpl::finish_transfer(CommandContext& ctx, const TransferResult& result, std::string_view shown) {
    const bool interrupted = result.outcome == TransferResult::Outcome::aborted ||
                             result.outcome == TransferResult::Outcome::timeout;
    if (result.outcome == TransferResult::Outcome::complete) {
        finish(ctx, 226, "Transfer complete");
    } else if (!interrupted && !result.connected) {
        finish(ctx, 425, str_cat("Unable to build data connection: ", result.reason));
    } else if (!interrupted && result.file_error) {
        finish(ctx, 451, str_cat(shown, ": ", result.reason));
    } else {
        finish(ctx, 426, "Transfer aborted. Data connection closed.");
    }
}

void SessionImpl::log_transfer(const std::string& vpath, const TransferResult& result, bool incoming,
                               Clock::time_point started) {
    host_.report_transfer(incoming, status_of(result.outcome), result.bytes);
    if (!settings_.transfer_log || !result.connected) {
        return;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
    XferlogRecord record;
    record.seconds = static_cast<std::uint64_t>(elapsed);
    record.remote_host = peer_text_;
    record.bytes = result.bytes;
    const std::string file = real(vpath);
    record.file = file;
    record.binary = binary_;
    record.incoming = incoming;
    record.anonymous = identity_.anonymous;
    record.user = identity_.user;
    record.complete = result.outcome == TransferResult::Outcome::complete;
    const time_t now = ::time(nullptr);
    tm local{};
    ::localtime_r(&now, &local);
    host_.log_transfer(format_xferlog_line(record, local));
}

void SessionImpl::cmd_retr(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    const std::uint64_t offset = std::exchange(rest_, 0);
    ctx.event.file_offset = offset;
    if (!permitted(ctx, "RETR", vpath) || !require_data_connection(ctx)) {
        return;
    }
    if (offset > 0 && !rules_for(vpath).allow_retrieve_restart) {
        finish(ctx, 451, str_cat(ctx.argument, ": Restart not permitted"));
        return;
    }
    UniqueFd file;
    if (const int err = fs_.open(vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, file); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    struct stat st {};
    if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        finish(ctx, 550, str_cat(ctx.argument, ": Not a regular file"));
        return;
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (offset > size) {
        finish(ctx, 554, str_cat(ctx.argument, ": Invalid REST argument"));
        return;
    }
    ctx.event.file_size = size;
    ctx.event.file_existed = true;
    DataTransfer::Spec spec;
    spec.kind = DataTransfer::Kind::send_file;
    spec.ascii = !binary_;
    spec.file = std::move(file);
    spec.offset = offset;
    const std::string opening = str_cat("Opening ", binary_ ? "BINARY" : "ASCII", " mode data connection for ",
                                        ctx.argument, " (", size, " bytes)");
    const auto started = Clock::now();
    begin_transfer(ctx, opening, std::move(spec),
                   [this, vpath, started](CommandContext& done, const TransferResult& result) {
                       fill_transfer_event(done, result, started);
                       log_transfer(vpath, result, false, started);
                       log::info("RETR ", real(vpath), ": ", result.bytes, " bytes, ",
                                 result.outcome == TransferResult::Outcome::complete ? "complete" : "incomplete");
                       finish_transfer(done, result, done.argument);
                   });
}

void SessionImpl::cmd_store(CommandContext& ctx, StoreMode mode) {
    const std::uint64_t offset = std::exchange(rest_, 0);
    ctx.event.file_offset = offset;
    std::string vpath;
    std::string shown = ctx.argument;
    if (mode == StoreMode::stou) {
        // A fresh name in the directory asked for (or the working directory): never an existing file.
        const std::string base = ctx.argument.empty() ? to_vpath("ftp") : to_vpath(ctx.argument);
        vpath = str_cat(base, '.', unique_suffix());
    } else {
        vpath = to_vpath(ctx.argument);
    }
    if (!name_allowed(ctx, mode == StoreMode::stou ? std::string(virtual_basename(vpath)) : ctx.argument) ||
        !permitted(ctx, mode == StoreMode::stou ? "STOU" : (mode == StoreMode::appe ? "APPE" : "STOR"), vpath) ||
        !require_data_connection(ctx)) {
        return;
    }
    const PathRules rules = rules_for(vpath);
    if (offset > 0 && !rules.allow_store_restart) {
        finish(ctx, 451, str_cat(shown, ": Restart not permitted"));
        return;
    }
    struct stat existing {};
    const bool existed = fs_.lstat(vpath, existing) == 0;
    ctx.event.file_existed = existed;
    if (existed && S_ISDIR(existing.st_mode)) {
        fail_errno(ctx, 550, shown, EISDIR);
        return;
    }
    if (existed && mode == StoreMode::stor && offset == 0 && !rules.allow_overwrite) {
        finish(ctx, 550, str_cat(shown, ": Overwrite permission denied"));
        return;
    }
    // HiddenStores: plain uploads go to "<prefix><name><suffix>" (".in.<name>.") beside the target and replace it only when complete.
    const bool hidden = rules.hidden_stores && mode == StoreMode::stor && offset == 0;
    std::string write_vpath = vpath;
    if (hidden) {
        write_vpath = str_cat(virtual_parent(vpath) == "/" ? std::string() : std::string(virtual_parent(vpath)), '/',
                              rules.hidden_stores_prefix, virtual_basename(vpath), rules.hidden_stores_suffix);
    }
    int flags = O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY;
    if (hidden || mode == StoreMode::stou) {
        flags |= O_EXCL;
    } else if (mode == StoreMode::appe) {
        flags |= O_APPEND;
    } else if (offset == 0) {
        flags |= O_TRUNC;
        if (!rules.allow_overwrite) {
            flags |= O_EXCL;
        }
    }
    UniqueFd file;
    int err = 0;
    for (int attempt = 0; attempt < kStouAttempts; ++attempt) {
        const mode_t old = ::umask(rules.umask);
        err = fs_.open(write_vpath, flags, 0666, file);
        ::umask(old);
        if (err != EEXIST || mode != StoreMode::stou) {
            break;
        }
        write_vpath = vpath = str_cat(std::string_view(vpath).substr(0, vpath.size() - 6), unique_suffix());
    }
    if (err == EEXIST && hidden) {
        finish(ctx, 550, str_cat(shown, ": Temporary hidden file ", virtual_basename(write_vpath), " already exists"));
        return;
    }
    if (err == EEXIST && !rules.allow_overwrite && mode == StoreMode::stor) {
        finish(ctx, 550, str_cat(shown, ": Overwrite permission denied"));
        return;
    }
    if (err != 0) {
        fail_errno(ctx, 550, shown, err);
        return;
    }
    struct stat st {};
    if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        finish(ctx, 550, str_cat(shown, ": Not a regular file"));
        return;
    }
    if (offset > 0) {
        if (offset > static_cast<std::uint64_t>(st.st_size)) {
            finish(ctx, 554, str_cat(shown, ": Invalid REST argument"));
            return;
        }
        if (::lseek(file.get(), static_cast<off_t>(offset), SEEK_SET) < 0 ||
            ::ftruncate(file.get(), static_cast<off_t>(offset)) != 0) {
            fail_errno(ctx, 550, shown, errno);
            return;
        }
    }
    if (::fcntl(file.get(), F_SETFL, mode == StoreMode::appe ? O_APPEND : 0) != 0) {
        fail_errno(ctx, 550, shown, errno);
        return;
    }
    ctx.event.path = vpath;
    std::string opening = mode == StoreMode::stou
                              ? str_cat("FILE: ", virtual_basename(vpath))
                              : str_cat("Opening ", binary_ ? "BINARY" : "ASCII", " mode data connection for ", shown);
    DataTransfer::Spec spec;
    spec.kind = DataTransfer::Kind::receive_file;
    spec.ascii = !binary_;
    spec.file = std::move(file);
    const auto started = Clock::now();
    const bool no_replace = !rules.allow_overwrite;
    const std::optional<bool> delete_aborted = rules.delete_aborted_stores;
    begin_transfer(ctx, std::move(opening), std::move(spec),
                   [this, vpath, write_vpath, hidden, no_replace, delete_aborted, started, shown](
                       CommandContext& done, const TransferResult& in) {
                       TransferResult result = in;
                       // A client that vanished while its data connection closed normally did not finish, nor
                       // did one that sent ABOR before closing it (Net::FTP's abort does: ProFTPD sees the
                       // urgent signal first).
                       if (result.outcome == TransferResult::Outcome::complete && control_peer_gone()) {
                           result.outcome = TransferResult::Outcome::aborted;
                           result.reason = "control connection closed";
                       } else if (result.outcome == TransferResult::Outcome::complete && abort_pending()) {
                           result.outcome = TransferResult::Outcome::aborted;
                           result.reason = "aborted";
                       }
                       if (hidden && result.outcome == TransferResult::Outcome::complete) {
                           if (const int rename_err = fs_.rename(write_vpath, vpath, no_replace); rename_err != 0) {
                               result.outcome = TransferResult::Outcome::failed;
                               result.file_error = true;
                               result.reason = rename_err == EEXIST ? std::string("Overwrite permission denied")
                                                                    : sys::errno_name(rename_err);
                           }
                       }
                       if (result.outcome != TransferResult::Outcome::complete) {
                           remove_aborted_store(hidden ? write_vpath : vpath, hidden, delete_aborted);
                       }
                       struct stat after {};
                       if (fs_.stat(vpath, after) == 0) {
                           done.event.file_size = static_cast<std::uint64_t>(after.st_size);
                       }
                       fill_transfer_event(done, result, started);
                       log_transfer(vpath, result, true, started);
                       log::info(done.canonical, ' ', real(vpath), ": ", result.bytes, " bytes, ",
                                 result.outcome == TransferResult::Outcome::complete ? "complete" : "incomplete");
                       finish_transfer(done, result, shown);
                   });
}

// ProFTPD's stor_abort: an upload that did not complete (ABOR, a data connection lost or stalled, a failed
// write, the session ending) leaves its HiddenStores file removed unless DeleteAbortedStores is off, and its
// partial file removed only when DeleteAbortedStores is on.
void SessionImpl::remove_aborted_store(const std::string& written_vpath, bool hidden, std::optional<bool> setting) {
    if (hidden ? setting == false : setting != true) {
        return;
    }
    log::debug(5, hidden ? "removing aborted HiddenStores file '" : "removing aborted file '", real(written_vpath),
               "'");
    if (const int err = fs_.unlink(written_vpath); err != 0 && err != ENOENT) {
        log::error("deleting aborted upload ", real(written_vpath), ": ", sys::errno_name(err));
    }
}

void SessionImpl::cmd_abor(CommandContext& ctx) {
    if (active_) {
        abort_transfer(TransferResult::Outcome::aborted);
    } else {
        data_.close();
    }
    finish(ctx, 226, "Abort successful");
}

}  // namespace ward::ftp
