#pragma once
// The benchmark workloads, each against one FTP server on 127.0.0.1. Every function returns its figures;
// main.cpp prints them as one JSON line for bench/run.
#include <cstdint>
#include <string>
#include <vector>

namespace ward::bench {

struct Target {
    std::uint16_t port = 0;
    std::string user;
    std::string password;
};

struct LoginFigures {
    std::uint64_t logins = 0;
    std::uint64_t errors = 0;
    double seconds = 0;
    double median_ms = 0;  // one login's wall time: connect .. the server's close after 221
    double p99_ms = 0;
    std::string first_error;
};
// `concurrency` threads, each logging in and out in a loop until `seconds` pass or `max_logins` succeed.
LoginFigures run_logins(const Target& target, unsigned concurrency, double seconds, std::uint64_t max_logins);

struct TransferFigures {
    std::uint64_t bytes = 0;
    double seconds = 0;  // from sending RETR/STOR to reading the 226
};
TransferFigures run_retr(const Target& target, const std::string& remote);
TransferFigures run_stor(const Target& target, const std::string& local, const std::string& remote);

struct RepeatFigures {
    std::uint64_t count = 0;
    double seconds = 0;
    std::vector<double> each_ms;  // per operation: command sent .. final reply read
    std::uint64_t bytes = 0;      // of the last operation
    std::uint64_t lines = 0;      // of the last listing
    bool unsupported = false;     // the server answered 500/502/504 to the command
    std::string reply;            // that answer
};
// `count` RETRs of DIR/fNNNNN (5 digits) on one session, each on a fresh passive connection.
RepeatFigures run_small_retrs(const Target& target, const std::string& dir, unsigned count);
// CWD DIR, then `repeat` times LIST or MLSD on a passive connection.
RepeatFigures run_listing(const Target& target, const std::string& verb, const std::string& dir, unsigned repeat);
// `count` RETRs of one file (after 10 warm-ups): the per-command latency a hook adds to.
RepeatFigures run_repeated_retr(const Target& target, const std::string& remote, unsigned count);

// Logs in `sessions` sessions and keeps them idle; `on_ready` runs once they are all in, and the sessions
// are closed when it returns.
void run_idle(const Target& target, unsigned sessions, void (*on_ready)(std::uint64_t logged_in));

// The loopback ceiling: sendfile() of `file` into a TCP socket on 127.0.0.1, read by another thread into a
// 1 MiB buffer (discarded, like run_retr) or, with a sink path, written to that file (like a server's STOR).
TransferFigures run_loopback(const std::string& file, const std::string& sink);

double median(std::vector<double> values);
double percentile(std::vector<double> values, double fraction);

}  // namespace ward::bench
