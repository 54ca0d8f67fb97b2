/*
 * wardftpd module ABI, version 1.
 *
 * A module is a shared object exporting one C function, ward_module_entry(), that returns a pointer to a
 * static, read-only `struct ward_module`. The daemon's built-in modules are described by the same table.
 *
 *   static const struct ward_site_command commands[] = {
 *       {"UTIME", "<sp> YYYYMMDDhhmm[ss] <sp> path", site_utime},
 *   };
 *   static const struct ward_module module = {
 *       WARD_MODULE_ABI_VERSION, "mod_example.c", "one line about it",
 *       NULL, 0, commands, 1, NULL, 0,
 *   };
 *   WARD_MODULE_EXPORT const struct ward_module* ward_module_entry(void) { return &module; }
 *
 * Where module code runs: only in the post-login worker process, as the logged-in user, chrooted, under
 * the worker's seccomp allow-list (no execve, ptrace, raw sockets, mounts, module syscalls; a forbidden
 * call kills the worker). Module code never runs in the master or the session monitor.
 *
 * Rules for module code: link against libc only (the daemon loads modules with RTLD_NOW | RTLD_LOCAL, and
 * the worker's root has no libraries to find); never block for long (the session is single-threaded);
 * no global state shared with other sessions exists (every session is a process of its own).
 */
#ifndef WARDFTPD_MODULE_H
#define WARDFTPD_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WARD_MODULE_ABI_VERSION 1u
#define WARD_MODULE_ENTRY_SYMBOL "ward_module_entry"
#define WARD_MODULE_EXPORT __attribute__((visibility("default")))

/* Limits the daemon enforces when it reads a table. */
#define WARD_MODULE_MAX_COMMANDS 64u
#define WARD_MODULE_MAX_LISTENERS 16u
#define WARD_MODULE_MAX_DIRECTIVES 32u
#define WARD_MODULE_MAX_REPLY_LINES 64u
#define WARD_MODULE_MAX_LINE 512u

/* One call of a command handler: opaque, valid only during the call. */
struct ward_call;

/* What the daemon offers a handler. Every path argument is a client path ("/a/b" or relative to the
 * session's working directory); the daemon resolves it inside the session's root and applies <Limit>
 * for the command ("SITE_UTIME"), so a module can never reach a file the user could not. Functions that
 * can fail return 0 or an errno value. */
struct ward_host_api {
    uint32_t abi_version; /* WARD_MODULE_ABI_VERSION */
    /* Adds one line to the reply (multi-line replies are sent as "code-text" lines, the last as
     * "code text"); lines longer than WARD_MODULE_MAX_LINE are cut, control characters are replaced. */
    void (*reply_line)(struct ward_call* call, const char* text);
    const char* (*user)(const struct ward_call* call);   /* the logged-in user's name */
    const char* (*cwd)(const struct ward_call* call);    /* the working directory, as the client sees it */
    int (*stat_path)(struct ward_call* call, const char* path, struct stat* out);  /* symlinks followed */
    int (*set_times)(struct ward_call* call, const char* path, time_t atime, time_t mtime);
    int (*make_dir)(struct ward_call* call, const char* path, mode_t mode);
    void (*log_line)(struct ward_call* call, const char* text); /* to the daemon's log, escaped */
    /* Removes a directory and everything below it; symlinks are removed, never followed. */
    int (*remove_tree)(struct ward_call* call, const char* path);
};

/* A SITE subcommand: "SITE <name> <argument>". Returns the FTP reply code (200..599); lines added with
 * reply_line form the text. A module's command never replaces a built-in one (the built-in wins). */
typedef int (*ward_site_handler)(const struct ward_host_api* host, struct ward_call* call, const char* argument);

struct ward_site_command {
    const char* name;  /* upper case, 1..16 of [A-Z0-9] */
    const char* help;  /* argument syntax for SITE HELP */
    ward_site_handler handle;  /* NULL in a built-in module's table: the daemon's core implements it */
};

/* Events a module can listen to. */
#define WARD_EVENT_SESSION_START "core.session-start" /* post-login worker is ready; command is NULL */
#define WARD_EVENT_COMMAND_DONE "core.command-done"   /* after every reply to a command */

struct ward_event {
    const char* name;     /* one of WARD_EVENT_* */
    const char* command;  /* verb, upper case ("RETR"); NULL for session events */
    const char* argument; /* the command's argument as sent (a PASS argument is never shown) */
    int reply_code;       /* the final reply's code; 0 for session events */
};

typedef void (*ward_event_handler)(const struct ward_host_api* host, struct ward_call* call,
                                   const struct ward_event* event);

struct ward_event_listener {
    const char* event;
    ward_event_handler handle;
};

/* A configuration directive the module owns (its name, and what it accepts, for `wardftpd -l -d` and
 * the configuration check); the built-in modules list theirs here. */
struct ward_directive {
    const char* name;
    const char* syntax;
};

struct ward_module {
    uint32_t abi_version; /* WARD_MODULE_ABI_VERSION: a module built for another version is refused */
    const char* name;     /* "mod_x.c": must equal the LoadModule name */
    const char* description;
    const struct ward_directive* directives;
    size_t directive_count;
    const struct ward_site_command* site_commands;
    size_t site_command_count;
    const struct ward_event_listener* listeners;
    size_t listener_count;
};

typedef const struct ward_module* (*ward_module_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* WARDFTPD_MODULE_H */
