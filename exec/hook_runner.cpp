#include "exec/hook_runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "exec/spawn.hpp"

namespace ward::exec {
namespace {

constexpr std::size_t kMaxReplyLines = 64;
constexpr rlim_t kMaxOpenFiles = 1024;

std::string signal_text(int sig) {
    return sig == SIGSYS ? str_cat(sig, " (SIGSYS: killed by seccomp)") : str_cat(sig);
}

std::vector<std::string> expanded_environment(const HookRun& run, const ExpandInput& input) {
    std::vector<std::string> env;
    for (const auto& [name, value] : run.environ) {
        if (value == "-") {
            std::optional<std::string> inherited;
            if (input.environment) {
                inherited = input.environment(name);
            } else if (const char* v = std::getenv(name.c_str())) {  // NOLINT(concurrency-mt-unsafe)
                inherited = v;
            }
            if (inherited) {
                env.push_back(str_cat(name, "=", *inherited));
            }
            continue;
        }
        env.push_back(str_cat(name, "=", expand_variables(value, input)));
    }
    return env;
}

sandbox::ChildSpec child_spec(const HookRun& run, const HookRunnerSetup& setup) {
    sandbox::ChildSpec child;
    child.role = str_cat("hook ", run.hook->argv.front());
    child.rlimits = {{RLIMIT_CORE, 0, 0}, {RLIMIT_NOFILE, kMaxOpenFiles, kMaxOpenFiles}};
    if (run.as.uid) {
        child.uid = *run.as.uid;
        child.gid = run.as.gid;
        child.groups = run.as.groups.empty() ? std::vector<gid_t>{run.as.gid} : run.as.groups;
    }
    child.no_new_privs = true;
    if (setup.seccomp != nullptr && setup.settings.sandbox != SandboxMode::off) {
        child.seccomp = *setup.seccomp;
    }
    return child;
}

void log_output(const ExecLog& log, std::string_view stream, const std::string& program, std::string_view text) {
    for (const auto& line : output_lines(text, kMaxReplyLines)) {
        log.write(str_cat(stream, " from '", program, "': '", line, "'"));
    }
}

}  // namespace

std::vector<std::string> output_lines(std::string_view output, std::size_t max_lines) {
    std::vector<std::string> lines;
    for (auto line : split(output, '\n')) {
        if (lines.size() == max_lines) {
            break;
        }
        std::string clean;
        for (const char c : line) {
            if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
                clean += c;
            }
        }
        lines.push_back(std::move(clean));
    }
    while (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
    return lines;
}

std::vector<std::string> HookRunner::run(const HookRun& run, const ExpandInput& input) const {
    const ExecSettings& settings = setup_.settings;
    const ExecLog& log = setup_.log;
    const std::string& program = run.hook->argv.front();
    SpawnSpec spec;
    spec.argv.push_back(program);
    for (std::size_t i = 1; i < run.hook->argv.size(); ++i) {
        spec.argv.push_back(expand_variables(run.hook->argv[i], input));
    }
    spec.environment = expanded_environment(run, input);
    spec.child = child_spec(run, setup_);
    spec.timeout = settings.timeout;
    if (settings.use_stdin) {
        std::string lines;
        for (std::size_t i = 1; i < spec.argv.size(); ++i) {
            lines += spec.argv[i] + "\n";
        }
        spec.stdin_data = lines + ".\n";
    }
    const uid_t uid = run.as.uid.value_or(::getuid());
    const gid_t gid = run.as.uid ? run.as.gid : ::getgid();
    log.write(str_cat("preparing to execute '", program, "' with uid ", uid, " (euid ", uid, "), gid ", gid,
                      " (egid ", gid, ")"));
    for (std::size_t i = 1; i < spec.argv.size(); ++i) {
        log.write(str_cat(" + '", program, "': argv[", i, "] = ", spec.argv[i]));
    }
    if (settings.sandbox == SandboxMode::off) {
        log::warning("ExecSandbox off: ", run.label, " '", program, "' runs without the hook seccomp filter");
    }

    auto outcome = spawn(std::move(spec));
    if (!outcome) {
        log.write(str_cat(run.label, " '", program, "' failed: ", outcome.error().message));
        log::error(run.label, " '", program, "' failed: ", outcome.error().message);
        return {};
    }
    if (outcome->kind != SpawnOutcome::Kind::not_started) {
        ++runs_;
    }
    if (outcome->timed_out) {
        ++timeouts_;
        log.write(str_cat("'", program, "' did not finish within ExecTimeout (", settings.timeout.count(),
                          "s): sent SIGTERM", outcome->killed ? ", then SIGKILL" : ""));
    }
    switch (outcome->kind) {
        case SpawnOutcome::Kind::not_started:
            log.write(str_cat(run.label, " '", program, "' failed: ", outcome->start_error));
            log::warning(run.label, " '", program, "' failed: ", outcome->start_error);
            return {};
        case SpawnOutcome::Kind::exited:
            log.write(str_cat("'", program, "' terminated normally, with exit status ", outcome->exit_status));
            if (outcome->exit_status != 0) {
                log.write(str_cat(run.label, " '", program, "' failed: exit status ", outcome->exit_status));
            }
            break;
        case SpawnOutcome::Kind::signalled:
            log.write(str_cat("'", program, "' died from signal ", signal_text(outcome->signal)));
            log::warning(run.label, " '", program, "' (pid ", outcome->pid, ") died from signal ",
                         signal_text(outcome->signal));
            break;
    }
    if (settings.log_stdout) {
        log_output(log, "stdout", program, outcome->out);
    }
    if (settings.log_stderr) {
        log_output(log, "stderr", program, outcome->err);
    }
    if (run.may_send_stdout && settings.send_stdout) {
        return output_lines(outcome->out, kMaxReplyLines);
    }
    return {};
}

}  // namespace ward::exec
