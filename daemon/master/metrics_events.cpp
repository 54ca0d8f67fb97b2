// The master's side of the metrics endpoint: starting the exporter, and turning what the master sees (its
// refusals, its children's ends, its session monitors' reports) into counts on the board.
#include <sys/wait.h>

#include <csignal>

#include "base/log.hpp"
#include "daemon/master/master.hpp"

namespace ward::master {

Result<void> Master::start_metrics() {
    const auto settings = metrics::exporter_settings(*context_);
    if (!settings) {
        return {};
    }
    auto board = metrics::Board::create();
    if (!board) {
        return std::move(board).error();
    }
    metrics_ = std::move(*board);
    auto exporter = metrics::Exporter::start(*context_, *settings, metrics_);
    if (!exporter) {
        metrics_ = metrics::Board();
        return std::move(exporter).error();
    }
    exporter_.emplace(std::move(*exporter));
    count_modules();
    return {};
}

void Master::count_session_event(const ipc::SessionEvent& event) {
    switch (event.kind) {
        case ipc::SessionEvent::Kind::login_failed: metrics_.add(metrics::Slot::login_failed, event.count); break;
        case ipc::SessionEvent::Kind::worker_seccomp_kill:
            metrics_.add(metrics::Slot::seccomp_kill_worker, event.count);
            break;
        case ipc::SessionEvent::Kind::hook_run: metrics_.add(metrics::Slot::hook_runs, event.count); break;
        case ipc::SessionEvent::Kind::hook_timeout: metrics_.add(metrics::Slot::hook_timeouts, event.count); break;
    }
}

void Master::count_refusal(Admission why) {
    switch (why) {
        case Admission::max_instances: metrics_.add(metrics::Slot::refused_max_instances); break;
        case Admission::max_clients_per_host: metrics_.add(metrics::Slot::refused_max_clients_per_host); break;
        case Admission::max_connections_per_host:
            metrics_.add(metrics::Slot::refused_max_connections_per_host);
            break;
        case Admission::max_connection_rate: metrics_.add(metrics::Slot::refused_max_connection_rate); break;
        case Admission::admit: break;
    }
}

bool Master::count_child_end(pid_t pid, int status) {
    const bool seccomp_kill = WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
    if (exporter_ && pid == exporter_->pid()) {
        log::error("the metrics exporter (pid ", pid, ") ended",
                   seccomp_kill ? ": killed by its seccomp filter (SIGSYS)" : "", "; /metrics is not served");
        exporter_->ended();
        exporter_.reset();
        return true;
    }
    if (seccomp_kill) {
        metrics_.add(metrics::Slot::seccomp_kill_session);
    }
    return false;
}

void Master::count_modules() { metrics_.add(metrics::Slot::module_loads, context_->modules.modules().size()); }

}  // namespace ward::master
