/*
 * mod_site_misc.c for wardftpd: ProFTPD's mod_site_misc SITE extensions, as a signed shared module.
 *
 *   SITE MKDIR path                         creates path and every missing parent directory
 *   SITE RMDIR path                         removes a directory and everything below it
 *   SITE UTIME YYYYMMDDhhmm[ss] path        sets the modification (and access) time, UTC
 *
 * Every path goes through the daemon (host->make_dir, host->remove_tree, host->set_times), which resolves it
 * inside the session's root and applies <Limit SITE_MKDIR|SITE_RMDIR|SITE_UTIME> (all in the WRITE group). (SITE SYMLINK is left out: the worker's seccomp policy
 * has no symlinkat.)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wardftpd/module.h"

enum { kMaxPath = 4096 };

static int reply_errno(const struct ward_host_api* host, struct ward_call* call, const char* what, int err) {
    char line[WARD_MODULE_MAX_LINE];
    (void)snprintf(line, sizeof line, "%s: %s", what, strerror(err));
    host->reply_line(call, line);
    return 550;
}

/* Splits "first rest" at the first space; 0 when there is no non-empty second part. */
static int split_first(const char* argument, char* first, size_t size, const char** rest) {
    const char* space = strchr(argument, ' ');
    if (space == NULL || space == argument || space[1] == '\0' || (size_t)(space - argument) >= size) {
        return 0;
    }
    (void)snprintf(first, size, "%.*s", (int)(space - argument), argument);
    *rest = space + 1;
    return 1;
}

static int site_mkdir(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    char path[kMaxPath];
    size_t len = strlen(argument);
    if (len == 0 || len >= sizeof path) {
        host->reply_line(call, "'SITE MKDIR' requires a path");
        return 501;
    }
    (void)snprintf(path, sizeof path, "%s", argument);
    /* Each prefix ending before a '/', then the whole path; an existing directory is fine. */
    for (size_t i = 1; i <= len; ++i) {
        if (i < len && path[i] != '/') {
            continue;
        }
        char saved = path[i];
        path[i] = '\0';
        int err = host->make_dir(call, path, 0777);
        path[i] = saved;
        if (err != 0 && err != EEXIST) {
            return reply_errno(host, call, argument, err);
        }
    }
    host->reply_line(call, "SITE MKDIR command successful");
    return 200;
}

/* YYYYMMDDhhmm or YYYYMMDDhhmmss, UTC; -1 when malformed. */
static time_t parse_utc(const char* text) {
    size_t len = strlen(text);
    if (len != 12 && len != 14) {
        return (time_t)-1;
    }
    int v[6] = {0, 0, 0, 0, 0, 0};
    static const int widths[6] = {4, 2, 2, 2, 2, 2};
    size_t pos = 0;
    for (int f = 0; f < 6 && pos < len; ++f) {
        for (int d = 0; d < widths[f]; ++d, ++pos) {
            if (text[pos] < '0' || text[pos] > '9') {
                return (time_t)-1;
            }
            v[f] = v[f] * 10 + (text[pos] - '0');
        }
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) {
        return (time_t)-1;
    }
    struct tm tm = {0};
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    return timegm(&tm);
}

static int site_utime(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    char stamp[16];
    const char* path = NULL;
    if (!split_first(argument, stamp, sizeof stamp, &path)) {
        host->reply_line(call, "'SITE UTIME' requires a time (YYYYMMDDhhmm[ss]) and a path");
        return 501;
    }
    time_t when = parse_utc(stamp);
    if (when == (time_t)-1) {
        host->reply_line(call, "'SITE UTIME': the time must be YYYYMMDDhhmm[ss]");
        return 501;
    }
    int err = host->set_times(call, path, when, when);
    if (err != 0) {
        return reply_errno(host, call, path, err);
    }
    host->reply_line(call, "SITE UTIME command successful");
    return 200;
}

static int site_rmdir(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    if (argument[0] == '\0') {
        host->reply_line(call, "'SITE RMDIR' requires a path");
        return 501;
    }
    int err = host->remove_tree(call, argument);
    if (err != 0) {
        return reply_errno(host, call, argument, err);
    }
    host->reply_line(call, "SITE RMDIR command successful");
    return 200;
}

static const struct ward_site_command kCommands[] = {
    {"MKDIR", "<sp> path", site_mkdir},
    {"RMDIR", "<sp> path", site_rmdir},
    {"UTIME", "<sp> YYYYMMDDhhmm[ss] <sp> path", site_utime},
};

static const struct ward_module kModule = {
    WARD_MODULE_ABI_VERSION,
    "mod_site_misc.c",
    "SITE MKDIR, SITE RMDIR and SITE UTIME (ProFTPD's mod_site_misc)",
    NULL,
    0,
    kCommands,
    sizeof kCommands / sizeof kCommands[0],
    NULL,
    0,
};

WARD_MODULE_EXPORT const struct ward_module* ward_module_entry(void) { return &kModule; }
