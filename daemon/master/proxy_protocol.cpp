#include "daemon/master/proxy_protocol.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::master::proxy {
namespace {

constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::size_t kV4Block = 12;  // source, destination, source port, destination port
constexpr std::size_t kV6Block = 36;

// Text of a binary address; an IPv4-mapped IPv6 address becomes its IPv4 form, as the master names clients.
std::string address_text(int family, const unsigned char* bytes) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (family == AF_INET6) {
        static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(bytes, kMapped.data(), kMapped.size()) == 0) {
            return address_text(AF_INET, bytes + kMapped.size());
        }
    }
    return ::inet_ntop(family, bytes, text.data(), text.size()) != nullptr ? std::string(text.data()) : std::string();
}

// A v1 address field: exactly the family's textual form, normalised as address_text does.
std::optional<std::string> v1_address(std::string_view field, int family) {
    if (field.empty() || field.size() >= INET6_ADDRSTRLEN) {
        return std::nullopt;
    }
    std::array<unsigned char, 16> binary{};
    const std::string copy(field);
    if (::inet_pton(family, copy.c_str(), binary.data()) != 1) {
        return std::nullopt;
    }
    return address_text(family, binary.data());
}

// A v1 port: 1 to 5 decimal digits, no leading zero (the specification's form), at most 65535.
std::optional<std::uint16_t> v1_port(std::string_view field) {
    if (field.empty() || field.size() > 5 || (field.size() > 1 && field[0] == '0')) {
        return std::nullopt;
    }
    const auto value = parse_unsigned<unsigned>(field);
    if (!value || *value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*value);
}

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// Waits until `fd` is readable or the deadline passes, then reads at most `want` bytes into `out`.
Result<void> read_some(int fd, char* out, std::size_t want, std::size_t& got,
                       std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
        return Error{"ProxyProtocolTimeout passed before the whole PROXY header arrived"};
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0) {
        return errno == EINTR ? Result<void>{} : Result<void>{sys::errno_error("poll for the PROXY header")};
    }
    if (ready == 0) {
        return Error{"ProxyProtocolTimeout passed before the whole PROXY header arrived"};
    }
    const ssize_t n = ::read(fd, out, want);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? Result<void>{} : Result<void>{sys::errno_error("reading the PROXY header")};
    }
    if (n == 0) {
        return Error{"the proxy closed the connection inside the PROXY header"};
    }
    got += static_cast<std::size_t>(n);
    return {};
}

Result<void> read_exactly(int fd, char* out, std::size_t want, std::chrono::steady_clock::time_point deadline) {
    std::size_t got = 0;
    while (got < want) {
        if (auto read = read_some(fd, out + got, want - got, got, deadline); !read) {
            return read;
        }
    }
    return {};
}

}  // namespace

Result<Header> parse_v1(std::string_view line) {
    if (line.size() > kV1MaxBytes) {
        return Error{str_cat("PROXY v1 header longer than ", kV1MaxBytes, " bytes")};
    }
    if (!line.starts_with("PROXY ") || !line.ends_with("\r\n")) {
        return Error{"not a PROXY v1 header (\"PROXY ...\\r\\n\")"};
    }
    const std::string_view body = line.substr(6, line.size() - 8);
    if (body.find_first_of("\r\n") != std::string_view::npos) {
        return Error{"PROXY v1 header with a line break inside"};
    }
    if (body == "UNKNOWN" || body.starts_with("UNKNOWN ")) {
        return Header{};
    }
    const auto fields = split(body, ' ');
    if (fields.size() != 5) {
        return Error{"PROXY v1 header without exactly TCP4|TCP6, two addresses and two ports"};
    }
    int family = 0;
    if (fields[0] == "TCP4") {
        family = AF_INET;
    } else if (fields[0] == "TCP6") {
        family = AF_INET6;
    } else {
        return Error{"PROXY v1 protocol other than TCP4, TCP6 or UNKNOWN"};
    }
    Header header;
    header.proxied = true;
    const auto source = v1_address(fields[1], family);
    const auto destination = v1_address(fields[2], family);
    const auto source_port = v1_port(fields[3]);
    const auto destination_port = v1_port(fields[4]);
    if (!source || !destination) {
        return Error{str_cat("PROXY v1 address that is not ", fields[0] == "TCP4" ? "IPv4" : "IPv6")};
    }
    if (!source_port || !destination_port) {
        return Error{"PROXY v1 port that is not a number from 0 to 65535"};
    }
    header.source_address = *source;
    header.source_port = *source_port;
    header.destination_address = *destination;
    header.destination_port = *destination_port;
    return header;
}

Result<std::size_t> v2_length(std::string_view fixed) {
    if (fixed.size() < kV2FixedBytes || !fixed.starts_with(kV2Signature)) {
        return Error{"not a PROXY v2 header (no v2 signature)"};
    }
    const auto* p = reinterpret_cast<const unsigned char*>(fixed.data());
    if ((p[12] >> 4) != 2) {
        return Error{str_cat("PROXY v2 header of version ", p[12] >> 4)};
    }
    const std::size_t total = kV2FixedBytes + be16(p + 14);
    if (total > kV2MaxBytes) {
        return Error{str_cat("PROXY v2 header of ", total, " bytes; at most ", kV2MaxBytes,
                             " are read (no TLV extensions)")};
    }
    return total;
}

Result<Header> parse_v2(std::string_view bytes) {
    auto total = v2_length(bytes);
    if (!total) {
        return std::move(total).error();
    }
    if (bytes.size() != *total) {
        return Error{str_cat("PROXY v2 header of ", bytes.size(), " bytes announces ", *total)};
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned command = p[12] & 0x0fU;
    const unsigned family = p[13] >> 4;
    const unsigned transport = p[13] & 0x0fU;
    const std::size_t block = *total - kV2FixedBytes;
    if (command == 0) {  // LOCAL: the proxy's own connection (a health check)
        return Header{};
    }
    if (command != 1) {
        return Error{str_cat("PROXY v2 command ", command, " (neither LOCAL nor PROXY)")};
    }
    if (family == 0) {  // AF_UNSPEC: the specification says to use the connection's own addresses
        return Header{};
    }
    if (family != 1 && family != 2) {
        return Error{"PROXY v2 address family other than IPv4 or IPv6 (a UNIX socket is not an FTP client)"};
    }
    if (transport != 1) {
        return Error{"PROXY v2 transport other than STREAM"};
    }
    const bool v4 = family == 1;
    if (block < (v4 ? kV4Block : kV6Block)) {
        return Error{str_cat("PROXY v2 address block of ", block, " bytes, too short for ", v4 ? "IPv4" : "IPv6")};
    }
    const unsigned char* addresses = p + kV2FixedBytes;
    const std::size_t width = v4 ? 4 : 16;
    Header header;
    header.proxied = true;
    header.source_address = address_text(v4 ? AF_INET : AF_INET6, addresses);
    header.destination_address = address_text(v4 ? AF_INET : AF_INET6, addresses + width);
    header.source_port = be16(addresses + 2 * width);
    header.destination_port = be16(addresses + 2 * width + 2);
    return header;  // the TLVs after the address block (within kV2MaxBytes) carry nothing wardftpd uses
}

Result<Header> read_header(int fd, Version version, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, kV2MaxBytes> buffer{};
    if (version == Version::v1) {
        std::size_t got = 0;
        while (got < kV1MaxBytes) {  // one byte at a time: nothing past the CRLF leaves the socket
            if (auto read = read_some(fd, buffer.data() + got, 1, got, deadline); !read) {
                return std::move(read).error();
            }
            if (got >= 2 && buffer[got - 2] == '\r' && buffer[got - 1] == '\n') {
                break;
            }
        }
        return parse_v1(std::string_view(buffer.data(), got));
    }
    if (auto read = read_exactly(fd, buffer.data(), kV2FixedBytes, deadline); !read) {
        return std::move(read).error();
    }
    auto total = v2_length(std::string_view(buffer.data(), kV2FixedBytes));
    if (!total) {
        return std::move(total).error();
    }
    if (auto read = read_exactly(fd, buffer.data() + kV2FixedBytes, *total - kV2FixedBytes, deadline); !read) {
        return std::move(read).error();
    }
    return parse_v2(std::string_view(buffer.data(), *total));
}

}  // namespace ward::master::proxy
