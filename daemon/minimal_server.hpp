#pragma once
// The Foundation milestone's server: greets, answers NOOP and QUIT, and refuses every other command
// with 502. The privilege-separated FTP core (issue 5) replaces it.
#include <cstdint>
#include <string>

namespace ward::daemon {

struct MinimalServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 2121;
    std::string server_name = "wardftpd";
};

// Runs until SIGINT/SIGTERM; returns the process exit status.
int run_minimal_server(const MinimalServerOptions& options);

}  // namespace ward::daemon
