#pragma once
// The metrics endpoint (ProFTPD's mod_prometheus: PrometheusEngine, PrometheusExporter): its own listener,
// served by a process the master forks once at start-up that holds no privilege: the server's User/Group
// (when started as root), chrooted to the empty directory, no capabilities, no_new_privs, Landlock without
// files or TCP binds, and the metrics_exporter seccomp policy. It reads the counters through a read-only
// mapping of the master's sealed memfd (daemon/master/metrics_board.hpp) and answers `GET /metrics` with
// the Prometheus text format; it never writes anything the master reads.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/master/metrics_board.hpp"

namespace ward::master::metrics {

struct ExporterSettings {
    std::string address;
    std::uint16_t port = 0;
};

// PrometheusEngine on and PrometheusExporter in the main server; nullopt: metrics are off (the default).
[[nodiscard]] std::optional<ExporterSettings> exporter_settings(const daemon::DaemonContext& context);

class Exporter {
public:
    // Opens the listener and forks the exporter process; the board must be enabled.
    [[nodiscard]] static Result<Exporter> start(const daemon::DaemonContext& context, const ExporterSettings& settings,
                                                Board& board);
    Exporter(Exporter&& other) noexcept;
    Exporter& operator=(Exporter&&) = delete;
    Exporter(const Exporter&) = delete;
    Exporter& operator=(const Exporter&) = delete;
    ~Exporter();  // ends the exporter process (SIGTERM) and reaps it if it is still the master's child

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    [[nodiscard]] const ExporterSettings& settings() const noexcept { return settings_; }
    // The master reaped it (SIGCHLD): nothing left to end.
    void ended() noexcept { pid_ = -1; }

private:
    Exporter(pid_t pid, ExporterSettings settings) : pid_(pid), settings_(std::move(settings)) {}
    pid_t pid_ = -1;
    ExporterSettings settings_;
};

}  // namespace ward::master::metrics
