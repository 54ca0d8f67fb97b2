// Fuzzes the PROXY protocol header parsers (daemon/master/proxy_protocol.cpp): the bytes a trusted proxy (or
// whoever controls it) sends before the client's first byte, read by the confined session process. Beyond
// "no crash": an accepted header stays within its bound, names parseable addresses, and a v1 header the
// parser accepts still parses after the same line is re-formed from its fields.
#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/master/proxy_protocol.hpp"

namespace {

namespace proxy = ward::master::proxy;

bool parseable(const std::string& address) {
    std::array<unsigned char, 16> bytes{};
    return ::inet_pton(AF_INET, address.c_str(), bytes.data()) == 1 ||
           ::inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1;
}

void check(const proxy::Header& header) {
    if (header.proxied && (!parseable(header.source_address) || !parseable(header.destination_address))) {
        std::abort();
    }
    if (!header.proxied && (!header.source_address.empty() || header.source_port != 0)) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto v1 = proxy::parse_v1(bytes)) {
        if (bytes.size() > proxy::kV1MaxBytes) {
            std::abort();
        }
        check(*v1);
        if (v1->proxied) {
            const bool v6 = v1->source_address.find(':') != std::string::npos ||
                            v1->destination_address.find(':') != std::string::npos;
            const std::string again = "PROXY " + std::string(v6 ? "TCP6 " : "TCP4 ") + v1->source_address + " " +
                                      v1->destination_address + " " + std::to_string(v1->source_port) + " " +
                                      std::to_string(v1->destination_port) + "\r\n";
            // An IPv4-mapped TCP6 address is named as IPv4, so only a same-family re-form is compared.
            if (const auto back = proxy::parse_v1(again); back && !(*back == *v1)) {
                std::abort();
            }
        }
    }
    if (const auto length = proxy::v2_length(bytes)) {
        if (*length > proxy::kV2MaxBytes || *length < proxy::kV2FixedBytes) {
            std::abort();
        }
        if (bytes.size() >= *length) {
            if (const auto v2 = proxy::parse_v2(bytes.substr(0, *length))) {
                check(*v2);
            }
        }
    }
    return 0;
}
