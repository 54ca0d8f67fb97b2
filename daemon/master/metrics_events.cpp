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
    using Kind = ipc::SessionEvent::Kind;
    using metrics::Slot;
    switch (event.kind) {
        case Kind::login_failed: metrics_.add(Slot::login_failed, event.count); break;
        case Kind::worker_seccomp_kill: metrics_.add(Slot::seccomp_kill_worker, event.count); break;
        case Kind::hook_run: metrics_.add(Slot::hook_runs, event.count); break;
        case Kind::hook_timeout: metrics_.add(Slot::hook_timeouts, event.count); break;
        // The worker's word, as the catalog's help text says.
        case Kind::download_complete: metrics_.add(Slot::download_complete, event.count); break;
        case Kind::download_aborted: metrics_.add(Slot::download_aborted, event.count); break;
        case Kind::download_failed: metrics_.add(Slot::download_failed, event.count); break;
        case Kind::download_timeout: metrics_.add(Slot::download_timeout, event.count); break;
        case Kind::upload_complete: metrics_.add(Slot::upload_complete, event.count); break;
        case Kind::upload_aborted: metrics_.add(Slot::upload_aborted, event.count); break;
        case Kind::upload_failed: metrics_.add(Slot::upload_failed, event.count); break;
        case Kind::upload_timeout: metrics_.add(Slot::upload_timeout, event.count); break;
        case Kind::download_bytes: metrics_.add(Slot::download_bytes, event.count); break;
        case Kind::upload_bytes: metrics_.add(Slot::upload_bytes, event.count); break;
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
