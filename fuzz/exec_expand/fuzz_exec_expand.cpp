// Fuzzes mod_exec's %-variable expansion (exec/variables.cpp). The first input byte splits the rest into a
// hook argument template (from the configuration) and a value V that every client-influenced and session
// string takes. Properties: the output respects the caps, and expansion is single-pass: expanding with V
// gives exactly what expanding with a marker byte gives once each marker is replaced by V, so no value is
// ever scanned for '%' again (ProFTPD 1.3.8 re-expands a file name holding "%u").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "exec/variables.hpp"

namespace {

using namespace ward::exec;

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

std::string expand_with(std::string_view text, const std::string& v) {
    SessionValues s;
    s.client_address = v;
    s.local_address = "127.0.0.1";
    s.server_address = v;
    s.server_name = v;
    s.login_name = v;
    s.user = v;
    s.group = v;
    s.uid = 1000;
    s.gid = 1000;
    s.anonymous_password = v;
    s.real_root = "/srv/" + v;
    s.end_reason = v;
    CommandEvent e;
    e.command = "STOR";
    e.arguments = v;
    e.command_line = v;
    e.path = v;
    e.rename_from = v;
    e.cwd = v;
    e.reply_code = 226;
    e.reply_text = v;
    e.bytes = 12345;
    e.file_size = 99;
    e.transfer_millis = 1234;
    e.transfer_status = TransferStatus::failed;
    e.transfer_failure = v;
    ExpandInput in;
    in.session = &s;
    in.event = &e;
    in.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    in.environment = [&v](const std::string&) { return std::optional<std::string>(v); };
    return expand_variables(text, in);
}

std::string substitute(std::string_view text, char marker, const std::string& v) {
    std::string out;
    for (const char c : text) {
        if (c == marker) {
            out += v;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::size_t split = std::min<std::size_t>(data[0], all.size());
    const std::string_view text = all.substr(0, split);
    const std::string value(all.substr(split));

    const std::string out = expand_with(text, value);
    check(out.size() <= ExpandLimits::result);

    constexpr char kMarker = '\x01';
    // Path values are normalized ("/" and "." change them), so the comparison needs a value without those;
    // %f holds V three times, so V must stay well under the per-value cap for no value to be cut.
    if (value.empty() || value.size() >= ExpandLimits::value / 4 ||
        value.find_first_of(std::string_view("/.\x01", 3)) != std::string::npos ||
        text.find(kMarker) != std::string_view::npos) {
        return 0;
    }
    const std::string marked = expand_with(text, std::string(1, kMarker));
    const std::string expected = substitute(marked, kMarker, value);
    if (expected.size() < ExpandLimits::result && marked.size() < ExpandLimits::result) {
        check(out == expected);
    }
    return 0;
}
