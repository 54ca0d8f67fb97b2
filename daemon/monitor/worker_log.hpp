#pragma once
// The monitor's half of logging through the monitor: a worker holds no log descriptor and sends its lines
// as ipc::LogRecord; the monitor writes them under the worker's role and pid, escaped (escape_for_log: no
// record becomes two lines or carries a control character) and stamped by the monitor's own clock.
#include <sys/types.h>

#include <functional>

#include "base/result.hpp"
#include "daemon/ipc/log_record.hpp"
#include "daemon/monitor/session_facts.hpp"

namespace ward::monitor {

class WorkerLog {
public:
    // The TransferLog descriptor a logged-in session writes to (its <Anonymous> one, or the server's);
    // -1 when it has none.
    using TransferLogFor = std::function<int(const SessionFacts&)>;

    WorkerLog() = default;
    explicit WorkerLog(TransferLogFor transfer_log) : transfer_log_(std::move(transfer_log)) {}

    // Writes one record of the worker `pid`. An error for a record the worker may not send: a transfer line
    // before login, or for a session without TransferLog. The caller ends the session.
    [[nodiscard]] Result<void> write(const ipc::LogRecord& record, const SessionFacts& facts, pid_t worker,
                                     bool logged_in) const;

private:
    TransferLogFor transfer_log_;
};

}  // namespace ward::monitor
