#include "daemon/ftp/listing.hpp"

#include <ctime>

#include "base/strings.hpp"
#include "daemon/ftp/args.hpp"

namespace ward::ftp {
namespace {

constexpr std::int64_t kSixMonths = 60LL * 60 * 24 * 182;
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Right-aligns `text` in `width` columns (wider text is kept whole).
void append_right(std::string& out, std::string_view text, std::size_t width) {
    if (text.size() < width) {
        out.append(width - text.size(), ' ');
    }
    out.append(text);
}

void append_left(std::string& out, std::string_view text, std::size_t width) {
    out.append(text);
    if (text.size() < width) {
        out.append(width - text.size(), ' ');
    }
}

// str_cat's pieces appended to `out` without a temporary string (a listing formats 10,000s of lines).
template <class... Pieces>
void str_append(std::string& out, const Pieces&... pieces) {
    (detail::append_piece(out, pieces), ...);
}

void append_two_digits(std::string& out, int value) {
    out += static_cast<char>('0' + (value / 10) % 10);
    out += static_cast<char>('0' + value % 10);
}

bool utc(std::int64_t seconds, tm& out) noexcept {
    const auto t = static_cast<time_t>(seconds);
    return ::gmtime_r(&t, &out) != nullptr;
}

struct Access {
    bool read = false;
    bool write = false;
    bool exec = false;
};

Access access_for(const FileFacts& f, std::uint32_t uid, std::uint32_t gid) noexcept {
    if (uid == 0) {
        return {true, true, (f.mode & 0111U) != 0 || S_ISDIR(f.mode)};
    }
    unsigned shift = 0;
    if (f.uid == uid) {
        shift = 6;
    } else if (f.gid == gid) {
        shift = 3;
    }
    const unsigned bits = (f.mode >> shift) & 7U;
    return {(bits & 4U) != 0, (bits & 2U) != 0, (bits & 1U) != 0};
}

void append_hex(std::string& out, std::uint64_t value) {
    constexpr char kHex[] = "0123456789ABCDEF";
    char buf[16];
    std::size_t n = 0;
    do {
        buf[n++] = kHex[value & 0xfU];
        value >>= 4U;
    } while (value != 0);
    while (n > 0) {
        out += buf[--n];
    }
}

}  // namespace

FileFacts facts_from_stat(const struct stat& st) noexcept {
    FileFacts f;
    f.mode = st.st_mode;
    f.nlink = st.st_nlink;
    f.uid = st.st_uid;
    f.gid = st.st_gid;
    f.size = st.st_size;
    f.mtime = st.st_mtime;
    f.dev = st.st_dev;
    f.ino = st.st_ino;
    return f;
}

std::uint32_t fake_mode(std::uint32_t real, std::uint32_t fake) noexcept {
    std::uint32_t mode = (real & S_IFMT) | (fake & 07777U);
    if (S_ISDIR(real)) {
        mode |= (mode & (S_IRUSR | S_IRGRP | S_IROTH)) >> 2U;  // r -> x in each class
    }
    return mode;
}

std::string mode_string(std::uint32_t mode) {
    std::string out(10, '-');
    switch (mode & S_IFMT) {
        case S_IFDIR: out[0] = 'd'; break;
        case S_IFLNK: out[0] = 'l'; break;
        case S_IFCHR: out[0] = 'c'; break;
        case S_IFBLK: out[0] = 'b'; break;
        case S_IFIFO: out[0] = 'p'; break;
        case S_IFSOCK: out[0] = 's'; break;
        default: break;
    }
    constexpr std::string_view kLetters = "rwxrwxrwx";
    for (unsigned i = 0; i < 9; ++i) {
        if ((mode & (0400U >> i)) != 0) {
            out[1 + i] = kLetters[i];
        }
    }
    if ((mode & S_ISUID) != 0) {
        out[3] = (mode & S_IXUSR) != 0 ? 's' : 'S';
    }
    if ((mode & S_ISGID) != 0) {
        out[6] = (mode & S_IXGRP) != 0 ? 's' : 'S';
    }
    if ((mode & S_ISVTX) != 0) {
        out[9] = (mode & S_IXOTH) != 0 ? 't' : 'T';
    }
    return out;
}

void append_list_line(std::string& out, const FileFacts& facts, std::string_view owner, std::string_view group,
                      std::string_view name, std::string_view link_target, std::int64_t now) {
    out += mode_string(facts.mode);
    out += ' ';
    append_right(out, str_cat(facts.nlink), 3);
    out += ' ';
    append_left(out, owner, 8);
    out += ' ';
    append_left(out, group, 8);
    out += ' ';
    append_right(out, str_cat(facts.size), 8);
    out += ' ';
    tm t{};
    if (!utc(facts.mtime, t)) {
        utc(0, t);
    }
    out += kMonths[static_cast<std::size_t>(t.tm_mon) % 12];
    out += ' ';
    append_right(out, str_cat(t.tm_mday), 2);  // "Dec  2", as ls and ProFTPD write it
    out += ' ';
    std::int64_t age = 0;
    const bool far = __builtin_sub_overflow(now, facts.mtime, &age) || age > kSixMonths || age < -kSixMonths;
    if (far) {
        append_right(out, str_cat(t.tm_year + 1900), 5);
    } else {
        append_two_digits(out, t.tm_hour);
        out += ':';
        append_two_digits(out, t.tm_min);
    }
    out += ' ';
    out += name;
    if (!link_target.empty()) {
        out += " -> ";
        out += link_target;
    }
    out += "\r\n";
}

void append_mdtm(std::string& out, std::int64_t seconds) {
    tm t{};
    if (!utc(seconds, t) || t.tm_year + 1900 > 9999 || t.tm_year + 1900 < 0) {
        utc(0, t);
    }
    const int year = t.tm_year + 1900;  // 0..9999: four digits, zero-padded
    append_two_digits(out, year / 100);
    append_two_digits(out, year % 100);
    append_two_digits(out, t.tm_mon + 1);
    append_two_digits(out, t.tm_mday);
    append_two_digits(out, t.tm_hour);
    append_two_digits(out, t.tm_min);
    append_two_digits(out, t.tm_sec);
}

std::string format_mdtm(std::int64_t seconds) {
    std::string out;
    append_mdtm(out, seconds);
    return out;
}

std::optional<std::int64_t> parse_mdtm(std::string_view text) {
    // YYYYMMDDHHMMSS, optionally followed by .sss (dropped: whole seconds only).
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        const auto fraction = text.substr(dot + 1);
        if (fraction.empty() || fraction.find_first_not_of("0123456789") != std::string_view::npos) {
            return std::nullopt;
        }
        text = text.substr(0, dot);
    }
    if (text.size() != 14 || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto field = [&](std::size_t at, std::size_t len) {
        int value = 0;
        for (const char c : text.substr(at, len)) {
            value = value * 10 + (c - '0');
        }
        return value;
    };
    tm t{};
    t.tm_year = field(0, 4) - 1900;
    t.tm_mon = field(4, 2) - 1;
    t.tm_mday = field(6, 2);
    t.tm_hour = field(8, 2);
    t.tm_min = field(10, 2);
    t.tm_sec = field(12, 2);
    if (t.tm_mon < 0 || t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 || t.tm_min > 59 ||
        t.tm_sec > 60) {
        return std::nullopt;
    }
    const tm given = t;
    const std::time_t seconds = ::timegm(&t);
    if (t.tm_mday != given.tm_mday || t.tm_mon != given.tm_mon) {
        return std::nullopt;  // "20230231..." rolled over into March
    }
    return static_cast<std::int64_t>(seconds);
}

bool accessible(const FileFacts& facts, std::uint32_t uid, std::uint32_t gid) noexcept {
    const Access a = access_for(facts, uid, gid);
    return S_ISDIR(facts.mode) ? a.exec : a.read;
}

std::string mlsx_perm(const FileFacts& facts, std::uint32_t uid, std::uint32_t gid, bool parent_writable) {
    const Access a = access_for(facts, uid, gid);
    std::string out;
    if (S_ISDIR(facts.mode)) {
        if (a.write) {
            out += "cmp";
        }
        if (parent_writable) {
            out += "df";
        }
        if (a.exec) {
            out += 'e';
        }
        if (a.read) {
            out += 'l';
        }
        return out;
    }
    if (a.write) {
        out += 'a';
    }
    if (parent_writable) {
        out += "df";
    }
    if (a.read) {
        out += 'r';
    }
    if (a.write) {
        out += 'w';
    }
    return out;
}

std::string_view mlsx_type(std::uint32_t mode) noexcept {
    switch (mode & S_IFMT) {
        case S_IFREG: return "file";
        case S_IFDIR: return "dir";
        case S_IFLNK: return "OS.unix=symlink";
        case S_IFCHR: return "OS.unix=chr";
        case S_IFBLK: return "OS.unix=blk";
        case S_IFIFO: return "OS.unix=fifo";
        case S_IFSOCK: return "OS.unix=socket";
        default: return "OS.unix=unknown";
    }
}

void append_mlsx_facts(std::string& out, const FileFacts& facts, unsigned selected, const MlsxNames& names) {
    // The order of mlst_fact_names(): ProFTPD's mod_facts writes the facts alphabetically.
    if ((selected & kFactModify) != 0) {
        out += "modify=";
        append_mdtm(out, facts.mtime);
        out += ';';
    }
    if ((selected & kFactPerm) != 0) {
        out += "perm=";
        out += names.perm;
        out += ';';
    }
    if ((selected & kFactSize) != 0) {
        str_append(out, "size=", facts.size, ';');
    }
    if ((selected & kFactType) != 0) {
        out += "type=";
        out += names.type;
        out += ';';
    }
    if ((selected & kFactUnique) != 0) {
        // ProFTPD's form: device and inode in hex, joined by 'U'.
        out += "unique=";
        append_hex(out, facts.dev);
        out += 'U';
        append_hex(out, facts.ino);
        out += ';';
    }
    if ((selected & kFactUnixGroup) != 0) {
        str_append(out, "UNIX.group=", facts.gid, ';');
    }
    if ((selected & kFactUnixGroupName) != 0 && !names.group.empty()) {
        str_append(out, "UNIX.groupname=", names.group, ';');
    }
    if ((selected & kFactUnixMode) != 0) {
        // ProFTPD's "0%o": a leading zero, then the permission bits in octal (0644, 04755).
        const unsigned perms = facts.mode & 07777U;
        out += "UNIX.mode=0";
        if (perms >= 01000U) {
            out += static_cast<char>('0' + ((perms >> 9U) & 7U));
        }
        out += static_cast<char>('0' + ((perms >> 6U) & 7U));
        out += static_cast<char>('0' + ((perms >> 3U) & 7U));
        out += static_cast<char>('0' + (perms & 7U));
        out += ';';
    }
    if ((selected & kFactUnixOwner) != 0) {
        str_append(out, "UNIX.owner=", facts.uid, ';');
    }
    if ((selected & kFactUnixOwnerName) != 0 && !names.owner.empty()) {
        str_append(out, "UNIX.ownername=", names.owner, ';');
    }
    out += ' ';
}

}  // namespace ward::ftp
