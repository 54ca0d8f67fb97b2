#include "daemon/master/metrics_catalog.hpp"

#include "base/strings.hpp"

namespace ward::master::metrics {
namespace {

constexpr std::string_view kLogins = "Logins by result: success, failed (credentials refused by the monitor), refused "
                                     "(a login limit of the master)";
constexpr std::string_view kRefused = "Connections the master closed before a session started, by reason";
constexpr std::string_view kDownloads = "Files sent (RETR) by result, as each session's worker reported them (its word: "
                                        "only the worker holds the data connection)";
constexpr std::string_view kUploads = "Files received (STOR, APPE, STOU) by result, as each session's worker reported "
                                      "them (its word: only the worker holds the data connection)";
constexpr std::string_view kDownloadBytes = "File bytes sent by RETR, as each session's worker reported them (its word: "
                                            "only the worker holds the data connection)";
constexpr std::string_view kUploadBytes = "File bytes received by STOR, APPE and STOU, as each session's worker "
                                          "reported them (its word: only the worker holds the data connection)";
constexpr std::string_view kSeccomp = "Processes killed by their seccomp filter (SIGSYS), as their parent saw them end";

constexpr std::array<SlotInfo, kSlots> kCatalog = {{
    {"wardftpd_sessions", "gauge", "Session processes running now", "", ""},
    {"wardftpd_connection_total", "counter", "Connections that started a session", "", ""},
    {"wardftpd_login_total", "counter", kLogins, "result", "success"},
    {"wardftpd_login_total", "counter", kLogins, "result", "failed"},
    {"wardftpd_login_total", "counter", kLogins, "result", "refused"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "MaxInstances"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "MaxClientsPerHost"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "MaxConnectionsPerHost"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "MaxConnectionRate"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "untrusted_proxy"},
    {"wardftpd_connection_refused_total", "counter", kRefused, "reason", "no_server"},
    {"wardftpd_seccomp_kill_total", "counter", kSeccomp, "process", "worker"},
    {"wardftpd_seccomp_kill_total", "counter", kSeccomp, "process", "session"},
    {"wardftpd_hook_run_total", "counter", "mod_exec hook programs started by session monitors", "", ""},
    {"wardftpd_hook_timeout_total", "counter", "mod_exec hook programs ended by ExecTimeout", "", ""},
    {"wardftpd_module_load_total", "counter",
     "Shared modules verified and loaded by a configuration load (start-up, SIGHUP) or wardctl insmod", "", ""},
    {"wardftpd_file_download_total", "counter", kDownloads, "result", "complete"},
    {"wardftpd_file_download_total", "counter", kDownloads, "result", "aborted"},
    {"wardftpd_file_download_total", "counter", kDownloads, "result", "failed"},
    {"wardftpd_file_download_total", "counter", kDownloads, "result", "timeout"},
    {"wardftpd_file_upload_total", "counter", kUploads, "result", "complete"},
    {"wardftpd_file_upload_total", "counter", kUploads, "result", "aborted"},
    {"wardftpd_file_upload_total", "counter", kUploads, "result", "failed"},
    {"wardftpd_file_upload_total", "counter", kUploads, "result", "timeout"},
    {"wardftpd_file_download_bytes_total", "counter", kDownloadBytes, "", ""},
    {"wardftpd_file_upload_bytes_total", "counter", kUploadBytes, "", ""},
}};

}  // namespace

const SlotInfo& info(Slot slot) noexcept { return kCatalog[static_cast<std::size_t>(slot)]; }

std::string render(std::span<const std::uint64_t, kSlots> values) {
    std::string out;
    std::string_view family;
    for (std::size_t i = 0; i < kSlots; ++i) {
        const SlotInfo& slot = kCatalog[i];
        if (slot.family != family) {
            family = slot.family;
            out += str_cat("# HELP ", slot.family, " ", slot.help, "\n# TYPE ", slot.family, " ", slot.type, "\n");
        }
        out += slot.family;
        if (!slot.label.empty()) {
            out += str_cat("{", slot.label, "=\"", slot.value, "\"}");
        }
        out += str_cat(" ", values[i], "\n");
    }
    return out;
}

}  // namespace ward::master::metrics
