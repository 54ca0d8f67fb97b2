#include "daemon/monitor/worker_log.hpp"

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::monitor {

Result<void> WorkerLog::write(const ipc::LogRecord& record, const SessionFacts& facts, pid_t worker,
                              bool logged_in) const {
    if (record.kind == ipc::LogRecord::Kind::system) {
        if (!log::enabled(record.level, 1)) {
            return {};
        }
        // The line names the client as the monitor's own lines do (log::set_client): ProFTPD's format.
        log::write_from(log::Origin{"worker", static_cast<int>(worker)}, record.level, record.text);
        return {};
    }
    const int fd = logged_in && transfer_log_ ? transfer_log_(facts) : -1;
    if (fd < 0) {
        return Error{logged_in ? "a TransferLog line, but this session has no TransferLog"
                               : "a TransferLog line before login"};
    }
    if (auto written = sys::write_all(fd, str_cat(escape_for_log(record.text), "\n")); !written) {
        log::warning("TransferLog: ", written.error().message);
    }
    return {};
}

}  // namespace ward::monitor
