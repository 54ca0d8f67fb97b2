#pragma once
// Runs a test body in a forked child, so it can confine itself without touching the test runner. The child
// reports through exit codes and a pipe (write(2) is allowed by every policy); the parent sees the wait status.
#include <functional>
#include <string>

namespace ward::sandbox::testing {

struct ChildResult {
    int status = 0;
    std::string output;  // what the child wrote to its report fd

    [[nodiscard]] bool exited_with(int code) const;
    [[nodiscard]] bool killed_by(int signal) const;
    // "exited 3" / "killed by SIGSYS", plus the output: for assertion messages.
    [[nodiscard]] std::string describe() const;
};

// body(report_fd) runs in the child; its return value is the exit code. A child still running after
// 30 seconds is killed by SIGALRM.
ChildResult run_in_child(const std::function<int(int report_fd)>& body);

// Writes text to the report fd with write(2) only.
void report(int fd, const std::string& text);

}  // namespace ward::sandbox::testing
