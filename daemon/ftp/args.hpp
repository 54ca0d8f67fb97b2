#pragma once
// Parsers for the arguments of PORT, EPRT, EPSV, REST and OPTS MLST, and the PASV/EPSV reply texts.
// Pure: no I/O, fuzzed by fuzz/ftp_args.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::ftp {

// An address and port a client asked the server to connect to.
struct HostPort {
    enum class Family : std::uint8_t { ipv4, ipv6 } family = Family::ipv4;
    std::array<std::uint8_t, 16> address{};  // network order; IPv4 uses the first 4 bytes
    std::uint16_t port = 0;
    bool operator==(const HostPort&) const = default;
};

// PORT h1,h2,h3,h4,p1,p2 (RFC 959): six decimal numbers 0..255.
[[nodiscard]] std::optional<HostPort> parse_port_argument(std::string_view text);

// EPRT <d>proto<d>address<d>port<d> (RFC 2428 §2).
struct EprtResult {
    enum class Status : std::uint8_t { ok, syntax, unsupported_protocol } status = Status::syntax;
    HostPort target;
};
[[nodiscard]] EprtResult parse_eprt_argument(std::string_view text);

// EPSV [1|2|ALL] (RFC 2428 §3).
struct EpsvArgument {
    enum class Kind : std::uint8_t { any, ipv4, ipv6, all, unsupported, invalid } kind = Kind::any;
};
[[nodiscard]] EpsvArgument parse_epsv_argument(std::string_view text);

// REST n (RFC 3659 §5): a byte offset, 0..INT64_MAX (an off_t).
[[nodiscard]] std::optional<std::uint64_t> parse_rest_argument(std::string_view text);

// MLST facts (RFC 3659 §7): one bit each.
enum MlstFact : unsigned {
    kFactType = 1U << 0U,
    kFactSize = 1U << 1U,
    kFactModify = 1U << 2U,
    kFactPerm = 1U << 3U,
    kFactUnique = 1U << 4U,
    kFactUnixMode = 1U << 5U,
    kFactUnixOwner = 1U << 6U,
    kFactUnixGroup = 1U << 7U,
    kFactUnixOwnerName = 1U << 8U,
    kFactUnixGroupName = 1U << 9U,
};
inline constexpr unsigned kAllMlstFacts = (1U << 10U) - 1U;
inline constexpr unsigned kDefaultMlstFacts = kAllMlstFacts;

// The fact names in FEAT order, with their bits.
struct MlstFactName {
    std::string_view name;
    unsigned bit;
};
[[nodiscard]] const std::array<MlstFactName, 10>& mlst_fact_names() noexcept;

// "OPTS MLST type;size;" argument ("type;size;"): the known facts named, case-insensitively; unknown
// names are ignored (RFC 3659 §7.9).
[[nodiscard]] unsigned parse_mlst_facts(std::string_view text) noexcept;
// "type;size;" for the reply to OPTS MLST and, with stars for the selected ones, for FEAT.
[[nodiscard]] std::string format_mlst_facts(unsigned facts, bool feat_style);

// "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)." text, from an IPv4 address in network order.
[[nodiscard]] std::string format_pasv_text(const std::array<std::uint8_t, 4>& address, std::uint16_t port);
[[nodiscard]] std::string format_epsv_text(std::uint16_t port);
// An IPv4 dotted quad ("10.0.0.1") as bytes; nullopt for anything else.
[[nodiscard]] std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) noexcept;

}  // namespace ward::ftp
