#include "daemon/monitor/pam_answer.hpp"

#include "daemon/ipc/messages.hpp"
#include "daemon/ipc/wire.hpp"

namespace ward::monitor {

std::string encode_pam_answer(const PamAnswer& answer) {
    ipc::MessageWriter writer(static_cast<std::uint8_t>(ipc::MessageType::pam_answer));
    writer.u8(static_cast<std::uint8_t>(answer.result));
    writer.bytes(std::string_view(answer.detail).substr(0, kMaxPamDetail));
    return std::move(writer).finish();
}

std::optional<PamAnswer> decode_pam_answer(std::string_view message) {
    const auto header = ipc::parse_header(message);
    if (!header || header->version != ipc::kProtocolVersion ||
        header->type != static_cast<std::uint8_t>(ipc::MessageType::pam_answer)) {
        return std::nullopt;
    }
    ipc::MessageReader reader(message.substr(ipc::kHeaderBytes));
    const auto result = reader.u8();
    const auto detail = reader.bytes(kMaxPamDetail);
    if (!result || *result > kLastPamResult || !detail || !reader.at_end()) {
        return std::nullopt;
    }
    return PamAnswer{static_cast<PamResult>(*result), std::string(*detail)};
}

}  // namespace ward::monitor
