// mod_proxy_protocol's directives (a third-party ProFTPD module; daemon/master/proxy_protocol.* reads the
// header) and wardftpd's own ProxyProtocolTrustedProxies, which names who may send one.
#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/validators.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr std::uint64_t kMaxTimeout = 3600;

// all | address | address/bits, each argument possibly a comma list
std::optional<ArgProblem> trusted_proxies(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        for (const auto entry : split(args[i], ',')) {
            if (entry.empty()) {
                continue;
            }
            if (iequals(entry, "all")) {
                if (args.size() != 1 || args[0].find(',') != std::string::npos) {
                    return ArgProblem{i, "'all' stands alone (it trusts every peer, as ProFTPD does)"};
                }
                continue;
            }
            const auto slash = entry.find('/');
            const auto address = entry.substr(0, slash);
            if (auto problem = ip_address(address)) {
                return ArgProblem{i, str_cat("'", entry, "': ", *problem, " (host names are not resolved here)")};
            }
            if (slash != std::string_view::npos) {
                const unsigned max_bits = address.find(':') == std::string_view::npos ? 32U : 128U;
                const auto bits = parse_unsigned<unsigned>(entry.substr(slash + 1));
                if (!bits || *bits > max_bits) {
                    return ArgProblem{i, str_cat("'", entry, "': the prefix length must be 0 to ", max_bits)};
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace

void add_proxy(std::vector<DirectiveSpec>& out) {
    out.push_back(make("ProxyProtocolEngine", "mod_proxy_protocol.c", cx::servers, 1, 1, "ProxyProtocolEngine on|off",
                       each(boolean_check())));
    out.push_back(make("ProxyProtocolTimeout", "mod_proxy_protocol.c", cx::servers, 1, 1,
                       "ProxyProtocolTimeout seconds", each(number_check(1, kMaxTimeout))));
    out.push_back(make("ProxyProtocolVersion", "mod_proxy_protocol.c", cx::servers, 1, 1,
                       "ProxyProtocolVersion haproxyV1|haproxyV2",
                       each(words_check({"haproxyV1", "haproxyV2", "protocolV1", "protocolV2"}))));
    // mod_proxy_protocol's one option picks the <VirtualHost> by the address the client dialled at the proxy;
    // the master picks it before any header is read.
    out.push_back(refused(make("ProxyProtocolOptions", "mod_proxy_protocol.c", cx::servers, 1, kAnyNumber,
                               "ProxyProtocolOptions UseProxiedServerAddress",
                               each(words_check({"UseProxiedServerAddress"}))),
                          "the <VirtualHost> is chosen by the address the proxy connected to, before the PROXY "
                          "header is read"));
    out.push_back(make("ProxyProtocolTrustedProxies", "mod_proxy_protocol.c", cx::servers, 1, kAnyNumber,
                       "ProxyProtocolTrustedProxies all|address[/bits][,...] ...", trusted_proxies, true));
}

}  // namespace ward::config::tables
