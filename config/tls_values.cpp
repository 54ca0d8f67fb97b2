#include "config/tls_values.hpp"

#include <array>

#include "base/strings.hpp"

namespace ward::config::tls_values {
namespace {

struct ProtocolName {
    std::string_view name;
    std::uint8_t bit;
};
constexpr std::array kProtocolNames = {
    ProtocolName{"SSLv3", ssl3},     ProtocolName{"TLSv1", tls1},     ProtocolName{"TLSv1.1", tls1_1},
    ProtocolName{"TLSv1.2", tls1_2}, ProtocolName{"TLSv1.3", tls1_3},
};
constexpr std::uint8_t kAll = ssl3 | tls1 | tls1_1 | tls1_2 | tls1_3;

Result<std::uint8_t> protocol_bits(std::string_view word) {
    if (iequals(word, "SSLv23") || iequals(word, "ALL")) {
        return kAll;
    }
    for (const auto& p : kProtocolNames) {
        if (iequals(word, p.name)) {
            return p.bit;
        }
    }
    return Error{str_cat("unknown protocol '", word, "' (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, SSLv23 or ALL)")};
}

struct RequiredForm {
    std::string_view word;
    Required value;
};
constexpr std::array kRequiredForms = {
    RequiredForm{"off", {}},
    RequiredForm{"on", {Need::required, true, Need::required}},
    RequiredForm{"ctrl", {Need::required, true, Need::optional}},
    RequiredForm{"data", {Need::optional, false, Need::required}},
    RequiredForm{"auth", {Need::optional, true, Need::optional}},
    RequiredForm{"!data", {Need::optional, false, Need::refused}},
    RequiredForm{"ctrl+data", {Need::required, true, Need::required}},
    RequiredForm{"ctrl+!data", {Need::required, true, Need::refused}},
    RequiredForm{"auth+data", {Need::optional, true, Need::required}},
    RequiredForm{"auth+!data", {Need::optional, true, Need::refused}},
    RequiredForm{"!ctrl", {Need::refused, false, Need::optional}},
    RequiredForm{"!ctrl+data", {Need::refused, false, Need::required}},
};

constexpr auto kImplemented = OptionStatus::implemented;
constexpr auto kNoEffect = OptionStatus::no_effect;
constexpr auto kRefused = OptionStatus::refused;
constexpr std::array kOptions = {
    OptionInfo{"NoSessionReuseRequired", kImplemented, ""},
    OptionInfo{"UseImplicitSSL", kImplemented, ""},
    OptionInfo{"AllowPerUser", kImplemented, ""},
    OptionInfo{"StdEnvVars", kImplemented, ""},
    OptionInfo{"EnableDiags", kImplemented, ""},
    OptionInfo{"NoCertRequest", kImplemented, ""},
    OptionInfo{"AllowClientRenegotiations", kNoEffect,
               "renegotiation is never allowed here (TLS 1.3 has none; OpenSSL 3 refuses client-initiated "
               "renegotiation in TLS 1.2)"},
    OptionInfo{"AllowDotLogin", kNoEffect,
               "~/.tlslogin certificate logins are not supported; the password is still required"},
    OptionInfo{"AllowWeakDH", kNoEffect, "no DHE cipher suite is offered (ECDHE only), so no DH parameters are used"},
    OptionInfo{"AllowWeakSecurity", kNoEffect, "OpenSSL's security level stays at its default"},
    OptionInfo{"ExportCertData", kNoEffect, "certificates are not exported to hooks' environment"},
    OptionInfo{"IgnoreSNI", kNoEffect, "one certificate per server; SNI selects nothing"},
    OptionInfo{"NoAutoECDH", kNoEffect, "ECDHE curves are chosen by TLSECDHCurve or OpenSSL's defaults"},
    OptionInfo{"NoEmptyFragments", kNoEffect, "empty fragments only concerned CBC in SSLv3/TLSv1, not offered"},
    OptionInfo{"CommonNameRequired", kRefused,
               "client-certificate name checks are not implemented; accepting it would admit certificates the "
               "check should reject"},
    OptionInfo{"dNSNameRequired", kRefused,
               "client-certificate name checks are not implemented; accepting it would admit certificates the "
               "check should reject"},
    OptionInfo{"iPAddressRequired", kRefused,
               "client-certificate address checks are not implemented; accepting it would admit certificates "
               "the check should reject"},
};

}  // namespace

Result<Protocols> parse_protocols(std::span<const std::string> words) {
    Protocols result;
    result.set = 0;
    if (words.empty()) {
        return Error{"TLSProtocol needs at least one protocol"};
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string_view word = words[i];
        const char sign = word.empty() ? '\0' : word.front();
        if (sign == '+' || sign == '-') {
            if (i == 0) {
                return Error{str_cat("'", word, "': the first protocol cannot start with ", sign)};
            }
            word.remove_prefix(1);
        }
        auto bits = protocol_bits(word);
        if (!bits) {
            return std::move(bits).error();
        }
        if (sign == '-') {
            result.set = static_cast<std::uint8_t>(result.set & ~*bits);
        } else {
            result.set = static_cast<std::uint8_t>(result.set | *bits);
        }
    }
    if ((result.set & ssl3) != 0) {
        result.warnings.emplace_back("SSLv3 is not in OpenSSL 3 and will not be negotiated");
    }
    if ((result.set & (tls1 | tls1_1)) != 0) {
        result.warnings.emplace_back(
            "TLSv1 and TLSv1.1 are refused by Debian's OpenSSL at its default security level and will not be "
            "negotiated");
    }
    if ((result.set & (tls1_2 | tls1_3)) == 0) {
        return Error{"no protocol OpenSSL 3 negotiates is left (TLSv1.2 or TLSv1.3 is needed)"};
    }
    return result;
}

std::string protocols_text(std::uint8_t set) {
    std::string text;
    for (const auto& p : kProtocolNames) {
        if ((set & p.bit) != 0) {
            if (!text.empty()) {
                text += ' ';
            }
            text += p.name;
        }
    }
    return text;
}

Result<Required> parse_required(std::string_view word) {
    if (iequals(word, "yes") || iequals(word, "true") || iequals(word, "1")) {
        return kRequiredForms[1].value;
    }
    if (iequals(word, "no") || iequals(word, "false") || iequals(word, "0")) {
        return kRequiredForms[0].value;
    }
    for (const auto& form : kRequiredForms) {
        if (iequals(word, form.word)) {
            return form.value;
        }
    }
    return Error{str_cat("'", word,
                         "' is not a TLSRequired value (on, off, ctrl, data, auth, !data, ctrl+data, ctrl+!data, "
                         "auth+data, auth+!data, !ctrl, !ctrl+data)")};
}

std::span<const OptionInfo> known_options() noexcept { return kOptions; }

Result<OptionInfo> find_option(std::string_view name) {
    for (const auto& option : kOptions) {
        if (iequals(name, option.name)) {
            return option;
        }
    }
    return Error{str_cat("unknown TLSOptions option '", name, "'")};
}

Result<VerifyClient> parse_verify_client(std::string_view word) {
    if (iequals(word, "on") || iequals(word, "yes") || iequals(word, "true")) {
        return VerifyClient::on;
    }
    if (iequals(word, "off") || iequals(word, "no") || iequals(word, "false")) {
        return VerifyClient::off;
    }
    if (iequals(word, "optional")) {
        return VerifyClient::optional;
    }
    return Error{str_cat("'", word, "' is not a TLSVerifyClient value (on, off or optional)")};
}

}  // namespace ward::config::tls_values
