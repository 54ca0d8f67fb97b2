#include "config/metrics_address.hpp"

#include <arpa/inet.h>

#include "base/strings.hpp"

namespace ward::config {
namespace {

bool is_ip_address(const std::string& text) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

Result<ListenAddress> parse_exporter_address(std::string_view text) {
    ListenAddress settings;
    std::string_view address = text;
    std::string_view port;
    bool has_port = false;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return Error{str_cat("'", text, "': an IPv6 address in [ ] needs its closing ]")};
        }
        address = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') {
                return Error{str_cat("'", text, "': expected :port after ]")};
            }
            port = text.substr(close + 2);
            has_port = true;
        }
    } else if (const auto colon = text.find(':'); colon != std::string_view::npos && text.rfind(':') == colon) {
        address = text.substr(0, colon);
        port = text.substr(colon + 1);
        has_port = true;
    }
    if (address.empty()) {
        address = "0.0.0.0";  // ":port": every IPv4 address, as mod_prometheus
    }
    if (!is_ip_address(std::string(address))) {
        return Error{str_cat("'", address, "' is not an IP address (host names are not resolved here)")};
    }
    settings.address = std::string(address);
    if (has_port) {
        const auto number = parse_unsigned<std::uint16_t>(port);
        if (!number || *number == 0) {
            return Error{str_cat("'", port, "' is not a port number (1 to 65535)")};
        }
        settings.port = *number;
    }
    return settings;
}

}  // namespace ward::config
