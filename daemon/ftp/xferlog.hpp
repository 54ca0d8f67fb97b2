#pragma once
// TransferLog lines in the xferlog(5) format that wu-ftpd and ProFTPD write:
//   Mon Jan  2 03:04:05 2006 1 127.0.0.1 1048576 /srv/ftp/f b _ o r alice ftp 0 * c
// Pure formatting; the session writes each line with one write(2).
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace ward::ftp {

struct XferlogRecord {
    std::uint64_t seconds = 0;  // transfer time, rounded up to at least 1 as ProFTPD does
    std::string_view remote_host;
    std::uint64_t bytes = 0;
    std::string_view file;  // real path
    bool binary = true;
    bool incoming = false;  // i (upload) or o (download)
    bool anonymous = false;
    std::string_view user;
    bool complete = true;  // c or i
};

// `local_now` is the current local time (localtime_r after the time zone was loaded).
[[nodiscard]] std::string format_xferlog_line(const XferlogRecord& record, const tm& local_now);

}  // namespace ward::ftp
