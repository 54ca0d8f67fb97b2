// Fuzzes the session monitor's message decoder (daemon/ipc/messages.cpp, wire.cpp): everything a
// compromised worker can send. Beyond "no crash": the encoding is canonical, so any accepted message
// re-encodes to exactly the bytes that were received. The PAM helper's answer (daemon/monitor/pam_answer.cpp),
// the one message a process running arbitrary PAM modules sends the monitor, is decoded from the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/ipc/messages.hpp"
#include "daemon/monitor/pam_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (const auto pam = ward::monitor::decode_pam_answer(bytes); pam && ward::monitor::encode_pam_answer(*pam) != bytes) {
        std::abort();
    }
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
