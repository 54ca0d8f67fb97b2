#pragma once
// The PAM transaction of one login attempt, as ProFTPD 1.3.8's mod_auth_pam runs it: pam_start on the
// AuthPAMConfig service, PAM_RUSER = the user, PAM_RHOST = the client's address, PAM_TTY = /dev/ftpdPID
// (unless AuthPAMOptions NoTTY), then pam_authenticate, pam_acct_mgmt, pam_open_session and
// pam_setcred(PAM_ESTABLISH_CRED), all PAM_SILENT. The conversation answers echo-on prompts with the user
// name and echo-off prompts with the password, ignores info and error messages, and fails on anything else.
//
// Runs only inside the per-attempt PAM helper process (pam_helper.cpp), never in the monitor.
#include <functional>
#include <string>
#include <string_view>

#include "daemon/monitor/pam_answer.hpp"

namespace ward::monitor {

struct PamAttempt {
    std::string service = "ftp";
    std::string user;
    std::string_view password;
    std::string client_address;
    bool set_tty = true;
};

// Runs the transaction up to the open session. `send` gets the answer while the session is still open; the
// transaction is then closed (pam_setcred(PAM_DELETE_CRED), pam_close_session, pam_end).
PamAnswer run_pam_attempt(const PamAttempt& attempt, const std::function<void(const PamAnswer&)>& send);

}  // namespace ward::monitor
