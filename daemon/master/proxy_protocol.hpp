#pragma once
// The PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2): the header a load balancer sends
// before the client's first byte, carrying the client's real address. ProFTPD's mod_proxy_protocol reads it;
// so does wardftpd, with two differences: only from the addresses ProxyProtocolTrustedProxies lists, and
// bounded to one header of at most 107 (v1) or 232 (v2) bytes. The parsers are pure and fuzzed
// (fuzz/proxy_protocol); read_header() reads exactly one header from the connection and nothing after it,
// so the FTP bytes stay in the socket for the worker.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ward::master::proxy {

enum class Version : std::uint8_t { v1, v2 };

inline constexpr std::size_t kV1MaxBytes = 107;        // "PROXY UNKNOWN ...\r\n" at its longest, CRLF included
inline constexpr std::size_t kV2FixedBytes = 16;       // signature, version/command, family, length
inline constexpr std::size_t kV2MaxBytes = 16 + 216;   // the fixed part and the longest address block (AF_UNIX)

struct Header {
    // false: the proxy speaks for itself (v2 LOCAL, v1 UNKNOWN, v2 AF_UNSPEC), e.g. a health check; the
    // connection's own addresses stand.
    bool proxied = false;
    std::string source_address;  // IPv4 dotted quad or IPv6 text; an IPv4-mapped IPv6 address as IPv4
    std::uint16_t source_port = 0;
    std::string destination_address;
    std::uint16_t destination_port = 0;
    bool operator==(const Header&) const = default;
};

// One whole v1 line, "PROXY TCP4|TCP6|UNKNOWN ...\r\n" (CRLF included, at most kV1MaxBytes).
[[nodiscard]] Result<Header> parse_v1(std::string_view line);
// The length of the whole v2 header its first kV2FixedBytes announce (an error if they are not a v2
// header or announce more than kV2MaxBytes).
[[nodiscard]] Result<std::size_t> v2_length(std::string_view fixed);
// One whole v2 header (exactly the announced length).
[[nodiscard]] Result<Header> parse_v2(std::string_view bytes);

// Reads one header of `version` from the connected socket `fd` within `timeout`: v1 byte by byte up to its
// CRLF, v2 its fixed part and then exactly the announced length.
[[nodiscard]] Result<Header> read_header(int fd, Version version, std::chrono::milliseconds timeout);

}  // namespace ward::master::proxy
