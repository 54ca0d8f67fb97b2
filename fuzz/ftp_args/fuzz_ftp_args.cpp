// Fuzzes the argument parsers of PORT, EPRT, EPSV, REST and OPTS MLST (daemon/ftp/args.cpp).
// Properties: PORT and EPRT results re-format to an argument that parses to the same target; REST never
// exceeds INT64_MAX and round-trips through its decimal form; MLST fact sets round-trip through their
// formatted form and never hold unknown bits.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "base/strings.hpp"
#include "daemon/ftp/args.hpp"

namespace {

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ward::ftp;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto port = parse_port_argument(text)) {
        const auto& a = port->address;
        const std::string again = ward::str_cat(unsigned{a[0]}, ',', unsigned{a[1]}, ',', unsigned{a[2]}, ',',
                                                unsigned{a[3]}, ',', port->port >> 8U, ',', port->port & 0xffU);
        check(parse_port_argument(again) == port);
    }

    const EprtResult eprt = parse_eprt_argument(text);
    if (eprt.status == EprtResult::Status::ok) {
        char address[INET6_ADDRSTRLEN] = {};
        const bool v4 = eprt.target.family == HostPort::Family::ipv4;
        check(::inet_ntop(v4 ? AF_INET : AF_INET6, eprt.target.address.data(), address, sizeof address) != nullptr);
        check(eprt.target.port != 0);
        const std::string again = ward::str_cat('|', v4 ? '1' : '2', '|', static_cast<const char*>(address), '|',
                                                eprt.target.port, '|');
        const EprtResult reparsed = parse_eprt_argument(again);
        check(reparsed.status == EprtResult::Status::ok && reparsed.target == eprt.target);
    }

    (void)parse_epsv_argument(text);

    if (const auto rest = parse_rest_argument(text)) {
        check(*rest <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
        check(parse_rest_argument(ward::str_cat(*rest)) == rest);
    }

    const unsigned facts = parse_mlst_facts(text);
    check((facts & ~kAllMlstFacts) == 0);
    check(parse_mlst_facts(format_mlst_facts(facts, false)) == facts);
    (void)parse_ipv4(text);
    return 0;
}
