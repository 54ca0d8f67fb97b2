// Fuzzes the AuthUserFile and AuthGroupFile readers (daemon/auth/passwd_file.cpp), which the monitor
// runs as root on every login. Beyond "no crash": an accepted entry, written back in passwd format,
// parses to the same entry; lookups by any name present in the input never misattribute an entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "daemon/auth/passwd_file.hpp"

namespace {

std::string serialise(const ward::auth::PasswdEntry& e) {
    return ward::str_cat(e.name, ':', e.hash, ':', e.uid, ':', e.gid, ':', e.gecos, ':', e.home, ':', e.shell);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto line : ward::split(text, '\n')) {
        if (line.size() > ward::auth::kMaxAuthLineBytes) {
            continue;  // the file reader skips these before parsing
        }
        const auto parsed = ward::auth::parse_passwd_line(line);
        if (parsed && parsed->has_value()) {
            const auto again = ward::auth::parse_passwd_line(serialise(**parsed));
            if (!again || !again->has_value() || serialise(**again) != serialise(**parsed)) {
                std::abort();
            }
            const auto found = ward::auth::find_passwd(text, (*parsed)->name);
            if (!found || found->name != (*parsed)->name) {
                std::abort();
            }
        }
        (void)ward::auth::parse_group_line(line);
    }
    (void)ward::auth::read_groups(text);
    return 0;
}
