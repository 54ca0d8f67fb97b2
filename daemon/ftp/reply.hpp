#pragma once
// FTP replies on the wire (RFC 959 §4.2). Pure.
#include <span>
#include <string>
#include <string_view>

namespace ward::ftp {

// Appends a reply: every line but the last as "NNN-text", the last as "NNN text". A continuation line that
// starts with a space goes out as it is (FEAT, STAT and MLST bodies). A CR in the text travels as CR NUL
// and an LF as NUL (RFC 2640 §3.1, vsftpd does the same), so no text can end a line early.
void append_reply(std::string& out, int code, std::span<const std::string> lines);
void append_reply(std::string& out, int code, std::string_view text);

}  // namespace ward::ftp
