#pragma once
// The values of mod_tls's directives with ProFTPD's meaning, parsed once here: TLSProtocol, TLSRequired,
// TLSOptions and TLSVerifyClient. The directive table's checks and the TLS settings reader both use these,
// so -t and start-up agree. Errors are words for the caller to prefix with file:line.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::config::tls_values {

// TLSProtocol: protocol names (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3), SSLv23 or ALL for all of them, and
// from the second word on +NAME / -NAME to add or take away.
enum Protocol : std::uint8_t {
    ssl3 = 1U << 0,
    tls1 = 1U << 1,
    tls1_1 = 1U << 2,
    tls1_2 = 1U << 3,
    tls1_3 = 1U << 4,
};
inline constexpr std::uint8_t kDefaultProtocols = tls1_2 | tls1_3;

struct Protocols {
    std::uint8_t set = kDefaultProtocols;
    // Protocols asked for that will never be negotiated (SSLv3 is not in OpenSSL 3; TLSv1 and TLSv1.1 are
    // refused by Debian's OpenSSL at its default security level): one sentence each, for a -t warning.
    std::vector<std::string> warnings;
};
[[nodiscard]] Result<Protocols> parse_protocols(std::span<const std::string> words);
// "TLSv1.2 TLSv1.3" (the canonical spelling, for --print-config).
[[nodiscard]] std::string protocols_text(std::uint8_t set);

// TLSRequired: where TLS must be used. ProFTPD's forms: on, off, ctrl, data, auth, !data, ctrl+data,
// ctrl+!data, auth+data, auth+!data, !ctrl (data required, control not), !ctrl+data.
enum class Need : std::uint8_t {
    optional,  // may be used
    required,  // must be used
    refused,   // must not be used (the "!" forms): PROT P is answered 534
};
struct Required {
    Need control = Need::optional;  // every command after the first ones (ctrl)
    bool auth = false;              // USER and PASS (auth, and implied by ctrl)
    Need data = Need::optional;
    bool operator==(const Required&) const = default;
};
[[nodiscard]] Result<Required> parse_required(std::string_view word);

// TLSOptions: each known option and what it does here.
enum class OptionStatus : std::uint8_t { implemented, no_effect, refused };
struct OptionInfo {
    std::string_view name;
    OptionStatus status;
    std::string_view why;  // for no_effect and refused: the sentence -t prints
};
[[nodiscard]] std::span<const OptionInfo> known_options() noexcept;
// The option by name (case-insensitive), or an Error naming the unknown word.
[[nodiscard]] Result<OptionInfo> find_option(std::string_view name);

// TLSVerifyClient on|off|optional.
enum class VerifyClient : std::uint8_t { off, on, optional };
[[nodiscard]] Result<VerifyClient> parse_verify_client(std::string_view word);

}  // namespace ward::config::tls_values
