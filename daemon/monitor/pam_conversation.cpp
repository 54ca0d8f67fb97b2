#include "daemon/monitor/pam_conversation.hpp"

#include <security/pam_appl.h>
#include <strings.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>

#include "base/strings.hpp"

namespace ward::monitor {
namespace {

struct Credentials {
    const PamAttempt* attempt = nullptr;
    bool conversation_failed = false;
};

char* duplicate(std::string_view text) {
    auto* copy = static_cast<char*>(std::calloc(text.size() + 1, 1));  // NOLINT(cppcoreguidelines-no-malloc): PAM frees it
    if (copy != nullptr) {
        std::memcpy(copy, text.data(), text.size());
    }
    return copy;
}

void free_responses(pam_response* responses, int count) {
    for (int i = 0; i < count; ++i) {
        if (responses[i].resp != nullptr) {
            ::explicit_bzero(responses[i].resp, std::strlen(responses[i].resp));
            std::free(responses[i].resp);  // NOLINT(cppcoreguidelines-no-malloc)
        }
    }
    std::free(responses);  // NOLINT(cppcoreguidelines-no-malloc)
}

int converse(int count, const pam_message** messages, pam_response** out, void* data) {
    auto* credentials = static_cast<Credentials*>(data);
    if (count <= 0 || count > PAM_MAX_NUM_MSG) {
        return PAM_CONV_ERR;
    }
    auto* responses = static_cast<pam_response*>(std::calloc(static_cast<std::size_t>(count), sizeof(pam_response)));  // NOLINT(cppcoreguidelines-no-malloc)
    if (responses == nullptr) {
        return PAM_BUF_ERR;
    }
    for (int i = 0; i < count; ++i) {
        switch (messages[i]->msg_style) {
            case PAM_PROMPT_ECHO_ON:
                responses[i].resp = duplicate(credentials->attempt->user);
                break;
            case PAM_PROMPT_ECHO_OFF:
                responses[i].resp = duplicate(credentials->attempt->password);
                break;
            case PAM_TEXT_INFO:
            case PAM_ERROR_MSG:
                break;
            default:
                credentials->conversation_failed = true;
                free_responses(responses, count);
                return PAM_CONV_ERR;
        }
    }
    *out = responses;
    return PAM_SUCCESS;
}

PamResult authenticate_result(int rc) {
    return rc == PAM_USER_UNKNOWN ? PamResult::no_such_user : PamResult::bad_password;
}

PamResult account_result(int rc) {
    switch (rc) {
        case PAM_USER_UNKNOWN: return PamResult::no_such_user;
        case PAM_NEW_AUTHTOK_REQD:
        case PAM_AUTHTOK_EXPIRED: return PamResult::password_expired;
        case PAM_ACCT_EXPIRED:
        case PAM_PERM_DENIED: return PamResult::account_disabled;
        default: return PamResult::bad_password;
    }
}

PamResult credential_result(int rc) {
    switch (rc) {
        case PAM_USER_UNKNOWN: return PamResult::no_such_user;
        case PAM_CRED_EXPIRED: return PamResult::password_expired;
        default: return PamResult::bad_password;
    }
}

struct Transaction {
    pam_handle_t* handle = nullptr;
    int last = PAM_SUCCESS;
    bool session_open = false;
    bool credentials_set = false;
};

std::string failed(const Transaction& t, const char* stage) { return str_cat(stage, ": ", ::pam_strerror(t.handle, t.last)); }

// The stages in ProFTPD's order; the first failure decides.
PamAnswer run_stages(Transaction& t, const Credentials& credentials) {
    t.last = ::pam_authenticate(t.handle, PAM_SILENT);
    if (t.last != PAM_SUCCESS) {
        return {authenticate_result(t.last), failed(t, "pam_authenticate")};
    }
    if (credentials.conversation_failed) {
        return {PamResult::bad_password, "the PAM conversation asked for something other than name and password"};
    }
    t.last = ::pam_acct_mgmt(t.handle, PAM_SILENT);
    if (t.last != PAM_SUCCESS) {
        return {account_result(t.last), failed(t, "pam_acct_mgmt")};
    }
    t.last = ::pam_open_session(t.handle, PAM_SILENT);
    if (t.last != PAM_SUCCESS) {
        return {t.last == PAM_SESSION_ERR ? PamResult::service_error : PamResult::account_disabled,
                failed(t, "pam_open_session")};
    }
    t.session_open = true;
    t.last = ::pam_setcred(t.handle, PAM_ESTABLISH_CRED);
    if (t.last != PAM_SUCCESS) {
        return {credential_result(t.last), failed(t, "pam_setcred")};
    }
    t.credentials_set = true;
    return {PamResult::ok, {}};
}

}  // namespace

PamAnswer run_pam_attempt(const PamAttempt& attempt, const std::function<void(const PamAnswer&)>& send) {
    Credentials credentials{&attempt, false};
    const pam_conv conversation{&converse, &credentials};
    Transaction t;
    t.last = ::pam_start(attempt.service.c_str(), attempt.user.c_str(), &conversation, &t.handle);
    if (t.last != PAM_SUCCESS) {
        PamAnswer answer{PamResult::service_error, str_cat("pam_start(", attempt.service, "): ", ::pam_strerror(t.handle, t.last))};
        send(answer);
        return answer;
    }
    (void)::pam_set_item(t.handle, PAM_RUSER, attempt.user.c_str());
    (void)::pam_set_item(t.handle, PAM_RHOST, attempt.client_address.c_str());
    if (attempt.set_tty) {
        const std::string tty = str_cat("/dev/ftpd", ::getpid());
        (void)::pam_set_item(t.handle, PAM_TTY, tty.c_str());
    }
    PamAnswer answer = run_stages(t, credentials);
    send(answer);
    if (t.credentials_set) {
        (void)::pam_setcred(t.handle, PAM_DELETE_CRED);
    }
    if (t.session_open) {
        (void)::pam_close_session(t.handle, PAM_SILENT);
    }
    (void)::pam_end(t.handle, t.last);
    return answer;
}

}  // namespace ward::monitor
