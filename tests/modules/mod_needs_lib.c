/*
 * mod_needs_lib.c: a TEST-ONLY module, signed by the build's test key, that names a library the daemon never
 * loads (libutil.so.1) as a dependency. Post-auth workers load modules after chroot, where the dynamic linker
 * would look that library up in the user's tree: the worker must refuse the module instead.
 */
#include "wardftpd/module.h"

static int site_needs(const struct ward_host_api* host, struct ward_call* call, const char* argument) {
    (void)argument;
    host->reply_line(call, "loaded with an unverified dependency");
    return 200;
}

static const struct ward_site_command kCommands[] = {
    {"NEEDS", "", site_needs},
};

static const struct ward_module kModule = {
    WARD_MODULE_ABI_VERSION, "mod_needs_lib.c", "test only: a dependency outside the daemon", NULL, 0,
    kCommands, sizeof kCommands / sizeof kCommands[0], NULL, 0,
};

WARD_MODULE_EXPORT const struct ward_module* ward_module_entry(void) { return &kModule; }
