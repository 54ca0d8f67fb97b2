#pragma once
// The one network privilege a session may use: a TCP socket bound to a port below 1024 on the session's
// own local address, for active-mode data connections from port L-1 (ProFTPD's behaviour).
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::monitor {

[[nodiscard]] Result<UniqueFd> open_privileged_socket(const std::string& local_address, std::uint16_t port);

}  // namespace ward::monitor
