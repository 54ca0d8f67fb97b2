// Fuzzes the FTP control-line reader (daemon/ftp/command_line.cpp): Telnet IAC handling, CR/LF/NUL,
// the line-length bound, and the hand-over re-encoding.
// Properties checked beyond "no crash": every line respects kMaxLineBytes; feeding the bytes in two
// pieces gives the same lines as feeding them at once; drain_as_wire() round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ftp/command_line.hpp"

namespace {

struct Seen {
    std::string text;
    bool overlong;
    bool has_nul;
    bool operator==(const Seen&) const = default;
};

std::vector<Seen> drain(ward::ftp::CommandLineReader& reader) {
    std::vector<Seen> out;
    while (auto line = reader.next()) {
        if (line->text.size() > ward::ftp::kMaxLineBytes) {
            std::abort();
        }
        out.push_back({line->text, line->overlong, line->has_nul});
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);

    ward::ftp::CommandLineReader whole;
    whole.feed(bytes);
    const auto lines_whole = drain(whole);

    ward::ftp::CommandLineReader pieces;
    pieces.feed(bytes.substr(0, cut));
    auto lines_pieces = drain(pieces);
    pieces.feed(bytes.substr(cut));
    const auto rest = drain(pieces);
    lines_pieces.insert(lines_pieces.end(), rest.begin(), rest.end());
    if (lines_whole != lines_pieces) {
        std::abort();
    }

    // Hand-over: lines not yet taken plus the partial line survive re-encoding.
    ward::ftp::CommandLineReader first;
    first.feed(bytes.substr(0, cut));
    ward::ftp::CommandLineReader second;
    second.feed(first.drain_as_wire());
    second.feed(bytes.substr(cut));
    if (drain(second) != lines_whole) {
        std::abort();
    }
    return 0;
}
