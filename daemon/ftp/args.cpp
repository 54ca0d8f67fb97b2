#include "daemon/ftp/args.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <limits>

#include "base/strings.hpp"

namespace ward::ftp {
namespace {

constexpr std::array<MlstFactName, 10> kFactNames{{
    // ProFTPD's mod_facts order (FEAT, OPTS MLST and every MLSD/MLST line): clients and its test suite match it.
    {"modify", kFactModify},
    {"perm", kFactPerm},
    {"size", kFactSize},
    {"type", kFactType},
    {"unique", kFactUnique},
    {"UNIX.group", kFactUnixGroup},
    {"UNIX.groupname", kFactUnixGroupName},
    {"UNIX.mode", kFactUnixMode},
    {"UNIX.owner", kFactUnixOwner},
    {"UNIX.ownername", kFactUnixOwnerName},
}};

// A decimal 0..255 of one to three digits, no sign, no spaces.
std::optional<std::uint8_t> parse_octet(std::string_view text) noexcept {
    if (text.empty() || text.size() > 3) {
        return std::nullopt;
    }
    const auto value = parse_unsigned<unsigned>(text);
    if (!value || *value > 255) {
        return std::nullopt;
    }
    return static_cast<std::uint8_t>(*value);
}

}  // namespace

std::optional<HostPort> parse_port_argument(std::string_view text) {
    const auto fields = split(trim(text), ',');
    if (fields.size() != 6) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 6> bytes{};
    for (std::size_t i = 0; i < 6; ++i) {
        const auto octet = parse_octet(trim(fields[i]));
        if (!octet) {
            return std::nullopt;
        }
        bytes[i] = *octet;
    }
    HostPort out;
    out.family = HostPort::Family::ipv4;
    std::memcpy(out.address.data(), bytes.data(), 4);
    out.port = static_cast<std::uint16_t>((bytes[4] << 8U) | bytes[5]);
    return out;
}

EprtResult parse_eprt_argument(std::string_view text) {
    EprtResult out;
    text = trim(text);
    // At least "|1|a|1|"; the delimiter is any printable ASCII character (RFC 2428 §2).
    if (text.size() < 7) {
        return out;
    }
    const char delim = text.front();
    if (delim < 33 || delim > 126 || text.back() != delim) {
        return out;
    }
    const auto fields = split(text.substr(1, text.size() - 2), delim);
    if (fields.size() != 3) {
        return out;
    }
    const auto port = parse_unsigned<std::uint16_t>(fields[2]);
    if (!port || fields[2].size() > 5 || *port == 0) {
        return out;
    }
    const std::string address(fields[1]);
    if (fields[0] == "1") {
        if (address.size() > 15 || ::inet_pton(AF_INET, address.c_str(), out.target.address.data()) != 1) {
            return out;
        }
        out.target.family = HostPort::Family::ipv4;
    } else if (fields[0] == "2") {
        if (address.size() > 45 || ::inet_pton(AF_INET6, address.c_str(), out.target.address.data()) != 1) {
            return out;
        }
        out.target.family = HostPort::Family::ipv6;
    } else {
        out.status = parse_unsigned<unsigned>(fields[0]) ? EprtResult::Status::unsupported_protocol
                                                        : EprtResult::Status::syntax;
        return out;
    }
    out.target.port = *port;
    out.status = EprtResult::Status::ok;
    return out;
}

EpsvArgument parse_epsv_argument(std::string_view text) {
    text = trim(text);
    EpsvArgument out;
    if (text.empty()) {
        out.kind = EpsvArgument::Kind::any;
    } else if (iequals(text, "ALL")) {
        out.kind = EpsvArgument::Kind::all;
    } else if (text == "1") {
        out.kind = EpsvArgument::Kind::ipv4;
    } else if (text == "2") {
        out.kind = EpsvArgument::Kind::ipv6;
    } else if (parse_unsigned<unsigned>(text)) {
        out.kind = EpsvArgument::Kind::unsupported;
    } else {
        out.kind = EpsvArgument::Kind::invalid;
    }
    return out;
}

std::optional<std::uint64_t> parse_rest_argument(std::string_view text) {
    const auto value = parse_unsigned<std::uint64_t>(trim(text));
    if (!value || *value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    return value;
}

const std::array<MlstFactName, 10>& mlst_fact_names() noexcept { return kFactNames; }

unsigned parse_mlst_facts(std::string_view text) noexcept {
    unsigned facts = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(';', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view name = text.substr(start, end - start);
        for (const auto& fact : kFactNames) {
            if (iequals(name, fact.name)) {
                facts |= fact.bit;
            }
        }
        start = end + 1;
    }
    return facts;
}

std::string format_mlst_facts(unsigned facts, bool feat_style) {
    std::string out;
    for (const auto& fact : kFactNames) {
        const bool selected = (facts & fact.bit) != 0;
        if (feat_style) {
            out += fact.name;
            if (selected) {
                out += '*';
            }
            out += ';';
        } else if (selected) {
            out += fact.name;
            out += ';';
        }
    }
    return out;
}

std::string format_pasv_text(const std::array<std::uint8_t, 4>& address, std::uint16_t port) {
    return str_cat("Entering Passive Mode (", unsigned{address[0]}, ',', unsigned{address[1]}, ',',
                   unsigned{address[2]}, ',', unsigned{address[3]}, ',', unsigned{port} >> 8U, ',',
                   unsigned{port} & 0xffU, ").");
}

std::string format_epsv_text(std::uint16_t port) {
    return str_cat("Entering Extended Passive Mode (|||", unsigned{port}, "|)");
}

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) noexcept {
    const auto fields = split(text, '.');
    if (fields.size() != 4) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
        const auto octet = parse_octet(fields[i]);
        if (!octet) {
            return std::nullopt;
        }
        out[i] = *octet;
    }
    return out;
}

}  // namespace ward::ftp
