/*
 * mod_hostile.c: a TEST-ONLY module, signed by the build's test key, that tries what no module may do
 * from inside a session. Each SITE command must get the worker killed by its seccomp filter (SIGSYS);
 * a reply means the sandbox let the call through.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wardftpd/module.h"

static int site_exec(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    (void)argument;
    char* const argv[] = {"/bin/sh", "-c", "id", NULL};
    char* const envp[] = {NULL};
    execve("/bin/sh", argv, envp);
    host->reply_line(call, "execve returned: not killed");
    return 200;
}

static int site_ptrace(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    (void)argument;
    (void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    host->reply_line(call, "ptrace returned: not killed");
    return 200;
}

static int site_rawsock(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    (void)argument;
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd >= 0) {
        close(fd);
    }
    host->reply_line(call, "socket(SOCK_RAW) returned: not killed");
    return 200;
}

static int site_hello(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    (void)argument;
    host->reply_line(call, "hostile module loaded");
    return 200;
}

/* Listeners, so the tests see events reach a module: one log line per event. */
static void on_session_start(const struct ward_host_api* host, struct ward_call* call, const struct ward_event* event) {
    char line[WARD_MODULE_MAX_LINE];
    (void)snprintf(line, sizeof line, "%s for %s in %s", event->name, host->user(call), host->cwd(call));
    host->log_line(call, line);
}

static void on_command_done(const struct ward_host_api* host, struct ward_call* call, const struct ward_event* event) {
    char line[WARD_MODULE_MAX_LINE];
    (void)snprintf(line, sizeof line, "%s %s %d", event->name, event->command, event->reply_code);
    host->log_line(call, line);
}

static const struct ward_event_listener kListeners[] = {
    {WARD_EVENT_SESSION_START, on_session_start},
    {WARD_EVENT_COMMAND_DONE, on_command_done},
};

static const struct ward_site_command kCommands[] = {
    {"EXEC", "", site_exec},
    {"PTRACE", "", site_ptrace},
    {"RAWSOCK", "", site_rawsock},
    {"HELLO", "", site_hello},
};

static const struct ward_module kModule = {
    WARD_MODULE_ABI_VERSION, "mod_hostile.c", "test only: forbidden system calls", NULL, 0,
    kCommands, sizeof kCommands / sizeof kCommands[0], kListeners, sizeof kListeners / sizeof kListeners[0],
};

WARD_MODULE_EXPORT const struct ward_module* ward_module_entry(void) { return &kModule; }
