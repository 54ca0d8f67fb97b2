#pragma once
// PrometheusExporter's address argument (mod_prometheus): "address", "address:port", "[IPv6]:port" or
// ":port" (every IPv4 address); the port defaults to mod_prometheus's 9273. Host names are not resolved.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ward::config {

inline constexpr std::uint16_t kDefaultExporterPort = 9273;

struct ListenAddress {
    std::string address;
    std::uint16_t port = kDefaultExporterPort;
};

[[nodiscard]] Result<ListenAddress> parse_exporter_address(std::string_view text);

}  // namespace ward::config
