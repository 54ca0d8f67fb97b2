#pragma once
// Directory listing lines: LIST ("ls -l" style, as ProFTPD's mod_ls writes them, times in GMT like its
// default TimesGMT on), MLSD/MLST facts (RFC 3659 §7) and MDTM times. Pure: no I/O, no time zone, no NSS.
#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::ftp {

struct FileFacts {
    std::uint32_t mode = 0;
    std::uint64_t nlink = 0;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::int64_t size = 0;
    std::int64_t mtime = 0;  // seconds since the epoch
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
};

[[nodiscard]] FileFacts facts_from_stat(const struct stat& st) noexcept;

// DirFakeMode: `fake`'s permission bits in place of the real ones, the file type kept; a directory also gets
// search permission wherever the fake mode gives read permission (as ProFTPD's mod_ls).
[[nodiscard]] std::uint32_t fake_mode(std::uint32_t real, std::uint32_t fake) noexcept;

// "drwxr-xr-x" for a mode, with setuid/setgid/sticky letters as ls(1) shows them.
[[nodiscard]] std::string mode_string(std::uint32_t mode);

// One LIST line, CRLF-terminated: "-rw-r--r--   1 owner    group        1234 Jan 02 03:04 name".
// `now` decides between "HH:MM" (within six months) and the year. `link_target` non-empty adds " -> t".
void append_list_line(std::string& out, const FileFacts& facts, std::string_view owner, std::string_view group,
                      std::string_view name, std::string_view link_target, std::int64_t now);

// "YYYYMMDDHHMMSS" in UTC (RFC 3659 §2.3).
[[nodiscard]] std::string format_mdtm(std::int64_t seconds);
// format_mdtm's 14 digits appended to `out`.
void append_mdtm(std::string& out, std::int64_t seconds);
// The inverse, for MFMT/MFF: "YYYYMMDDHHMMSS[.sss]" in UTC; nullopt when malformed or not a real date.
[[nodiscard]] std::optional<std::int64_t> parse_mdtm(std::string_view text);

// What the session user may do, for the perm fact (RFC 3659 §7.5.5); from the mode bits and the user's
// uid/gid, the way a client would read them (uid 0 may do everything).
[[nodiscard]] std::string mlsx_perm(const FileFacts& facts, std::uint32_t uid, std::uint32_t gid,
                                    bool parent_writable);

// HideNoAccess's test: a directory the user may enter, a file the user may read (mode bits, as mlsx_perm).
[[nodiscard]] bool accessible(const FileFacts& facts, std::uint32_t uid, std::uint32_t gid) noexcept;

struct MlsxNames {
    std::string_view type;  // "file", "dir", "cdir", "pdir", "OS.unix=symlink", ...
    std::string_view perm;
    std::string_view owner;  // for UNIX.ownername; empty = leave the fact out
    std::string_view group;  // for UNIX.groupname
};
// "type=file;size=3;...; " (facts in FEAT order, each ends with ';', then one space); the caller appends
// the name and CRLF.
void append_mlsx_facts(std::string& out, const FileFacts& facts, unsigned selected, const MlsxNames& names);

// The type fact for a stat'ed entry ("file", "dir", "OS.unix=symlink", "OS.unix=chr", ...).
[[nodiscard]] std::string_view mlsx_type(std::uint32_t mode) noexcept;

}  // namespace ward::ftp
