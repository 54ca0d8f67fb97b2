#pragma once
// What the metrics endpoint exports: one counter slot per metric and label value, all counted by the master
// from its own events and its session monitors' reports (daemon/master/metrics_board.hpp), rendered as the
// Prometheus text exposition format (version 0.0.4) by the unprivileged exporter process. Names follow
// ProFTPD's mod_prometheus where it has the metric, with the wardftpd_ prefix. The file transfer slots are
// the workers' word passed on by their monitors (ipc::TransferReport), and their help text says so.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ward::master::metrics {

enum class Slot : std::uint8_t {
    sessions,  // gauge: session processes alive now
    connections,
    login_success,
    login_failed,
    login_refused,  // the password was right; a MaxClients* / MaxHostsPerUser limit refused it
    refused_max_instances,
    refused_max_clients_per_host,
    refused_max_connections_per_host,
    refused_max_connection_rate,
    refused_untrusted_proxy,
    refused_no_server,
    seccomp_kill_worker,
    seccomp_kill_session,
    hook_runs,
    hook_timeouts,
    module_loads,
    // the post-auth workers' word (ipc::TransferReport): the monitor cannot see a data connection
    download_complete,
    download_aborted,
    download_failed,
    download_timeout,
    upload_complete,
    upload_aborted,
    upload_failed,
    upload_timeout,
    download_bytes,
    upload_bytes,
    count_,  // not a slot: the number of slots
};
inline constexpr std::size_t kSlots = static_cast<std::size_t>(Slot::count_);

struct SlotInfo {
    std::string_view family;  // the metric name; slots of one family are adjacent
    std::string_view type;    // "counter" or "gauge"
    std::string_view help;
    std::string_view label;   // empty: no label
    std::string_view value;
};

[[nodiscard]] const SlotInfo& info(Slot slot) noexcept;

// The exposition text of these values (one per slot, in Slot order).
[[nodiscard]] std::string render(std::span<const std::uint64_t, kSlots> values);

}  // namespace ward::master::metrics
