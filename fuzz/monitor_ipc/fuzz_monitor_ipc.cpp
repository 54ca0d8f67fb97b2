// Fuzzes the session monitor's message decoder (daemon/ipc/messages.cpp, wire.cpp): everything a
// compromised worker can send. Beyond "no crash": the encoding is canonical, so any accepted message
// re-encodes to exactly the bytes that were received.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/ipc/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto decoded = ward::ipc::decode(bytes);
    if (!decoded) {
        return 0;
    }
    const auto encoded = ward::ipc::encode(*decoded);
    if (!encoded || *encoded != bytes) {
        std::abort();
    }
    return 0;
}
