// Fuzzes listing formatting (daemon/ftp/listing.cpp): LIST lines, MLSx facts and MDTM from arbitrary
// stat-like values and names. Properties: one LIST line ends in exactly one CRLF; facts carry no line end
// and end with "; "; MDTM is always 14 digits; the perm fact uses only RFC 3659 letters.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "daemon/ftp/args.hpp"
#include "daemon/ftp/listing.hpp"

namespace {

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

template <class T>
T take(const std::uint8_t*& data, std::size_t& size) {
    T value{};
    const std::size_t n = size < sizeof value ? size : sizeof value;
    std::memcpy(&value, data, n);
    data += n;
    size -= n;
    return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ward::ftp;
    FileFacts f;
    f.mode = take<std::uint32_t>(data, size);
    f.nlink = take<std::uint64_t>(data, size);
    f.uid = take<std::uint32_t>(data, size);
    f.gid = take<std::uint32_t>(data, size);
    f.size = take<std::int64_t>(data, size);
    f.mtime = take<std::int64_t>(data, size);
    f.dev = take<std::uint64_t>(data, size);
    f.ino = take<std::uint64_t>(data, size);
    const auto now = take<std::int64_t>(data, size);
    const auto facts = take<std::uint32_t>(data, size) & kAllMlstFacts;
    std::string name(reinterpret_cast<const char*>(data), size);
    for (char& c : name) {
        if (c == '\r' || c == '\n') {
            c = '_';  // names with line ends are the data connection's business, not the formatter's
        }
    }

    std::string line;
    append_list_line(line, f, name, "group", name, name.size() % 2 == 0 ? std::string_view() : name, now);
    check(line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0);
    check(line.find("\r\n") == line.size() - 2);
    check(mode_string(f.mode).size() == 10);

    const std::string mdtm = format_mdtm(f.mtime);
    check(mdtm.size() == 14 && mdtm.find_first_not_of("0123456789") == std::string::npos);

    const std::string perm = mlsx_perm(f, f.uid ^ 1U, f.gid, (f.ino & 1U) != 0);
    check(perm.find_first_not_of("acdeflmprw") == std::string::npos);
    std::string out;
    append_mlsx_facts(out, f, facts, MlsxNames{mlsx_type(f.mode), perm, name.substr(0, 8), "g"});
    check(out.size() >= 1 && out.back() == ' ');
    check(out.find('\n') == std::string::npos && out.find('\r') == std::string::npos);
    return 0;
}
