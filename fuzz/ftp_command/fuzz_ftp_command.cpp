// Fuzzes FTP command parsing (daemon/ftp/command.cpp) and reply formatting (daemon/ftp/reply.cpp).
// Properties beyond "no crash": a valid verb is 1..kMaxVerbBytes upper-case letters and known verbs have a
// spec whose canonical form is known too; the argument is exactly the bytes after the first space; an
// invalid verb's rendering is bounded and printable; a formatted reply holds exactly one CRLF per line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ftp/command.hpp"
#include "daemon/ftp/reply.hpp"

namespace {

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const ward::ftp::ParsedCommand parsed = ward::ftp::parse_command(line);
    const auto space = line.find(' ');
    check(parsed.has_argument == (space != std::string_view::npos));
    if (parsed.has_argument) {
        check(parsed.argument == line.substr(space + 1));
    }
    if (parsed.valid_verb) {
        check(!parsed.verb.empty() && parsed.verb.size() <= ward::ftp::kMaxVerbBytes);
        for (const char c : parsed.verb) {
            check(c >= 'A' && c <= 'Z');
        }
        if (const auto* spec = ward::ftp::find_command(parsed.verb)) {
            check(ward::ftp::find_command(spec->canonical) != nullptr);
        }
    } else {
        check(parsed.verb.size() <= ward::ftp::kMaxVerbBytes * 2 * 4);
        for (const char c : parsed.verb) {
            check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
        }
    }
    const ward::ftp::ParsedCommand site = ward::ftp::parse_site_command(parsed.argument);
    check(!site.has_argument || !site.argument.empty());

    // Reply text from client bytes never adds a line end.
    std::vector<std::string> lines{std::string(line), parsed.argument, " raw"};
    std::string wire;
    ward::ftp::append_reply(wire, 550, lines);
    std::size_t crlf = 0;
    for (std::size_t pos = wire.find("\r\n"); pos != std::string::npos; pos = wire.find("\r\n", pos + 2)) {
        ++crlf;
    }
    std::size_t lf = 0;
    for (const char c : wire) {
        lf += c == '\n' ? 1U : 0U;
    }
    check(crlf == lines.size() && lf == lines.size());
    return 0;
}
