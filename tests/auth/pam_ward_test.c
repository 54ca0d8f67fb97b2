/* A PAM module that misbehaves on purpose, for tests/auth/test_pam.py: with the argument "crash" its
 * authentication stage dies of SIGSEGV, with "hang" it never returns. The PAM helper must contain both:
 * the monitor kills or reaps it, the login gets 530, and the next login works. */
#define PAM_SM_AUTH
#include <security/pam_modules.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void)pamh;
    (void)flags;
    for (int i = 0; i < argc; ++i) {
        if (strcmp(argv[i], "crash") == 0) {
            raise(SIGSEGV);
        }
        if (strcmp(argv[i], "hang") == 0) {
            for (;;) {
                pause();
            }
        }
    }
    return PAM_AUTH_ERR;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
