#include "daemon/ftp/xferlog.hpp"

#include "base/strings.hpp"

namespace ward::ftp {
namespace {

// xferlog fields are separated by spaces: a space in a name becomes '_' (as ProFTPD writes it), and
// control bytes are escaped so a name cannot forge a line.
std::string field(std::string_view text) {
    std::string out = escape_for_log(text);
    for (char& c : out) {
        if (c == ' ') {
            c = '_';
        }
    }
    return out.empty() ? std::string("-") : out;
}

}  // namespace

std::string format_xferlog_line(const XferlogRecord& record, const tm& local_now) {
    char stamp[64];
    const std::size_t len = std::strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &local_now);
    return str_cat(std::string_view(stamp, len), ' ', record.seconds == 0 ? 1 : record.seconds, ' ',
                   field(record.remote_host), ' ', record.bytes, ' ', field(record.file), ' ',
                   record.binary ? 'b' : 'a', " _ ", record.incoming ? 'i' : 'o', ' ',
                   record.anonymous ? 'a' : 'r', ' ', field(record.user), " ftp 0 * ", record.complete ? 'c' : 'i',
                   '\n');
}

}  // namespace ward::ftp
