#pragma once
// The limits only the master can count, because it sees every session: MaxClients, MaxClientsPerUser and
// MaxHostsPerUser. After a password is checked and before the session becomes the user's, the monitor
// asks; the master counts by its own record of the session (the client address it accepted), never by
// the worker's word. Implemented over the monitor's link to the master (daemon/master/login_counts.*).
#include <optional>
#include <string>

namespace ward::monitor {

struct LoginRefusal {
    std::string limit;  // the directive that refused it ("MaxClientsPerUser"); also the session's %E
    std::string reply;  // the 530 reply's text (ProFTPD's, or the directive's own message)
};

class LoginAdmission {
public:
    virtual ~LoginAdmission() = default;
    // nullopt: admitted (and counted as the account's until the session ends). `account` is the local
    // account the session will run as; `login_name` (as sent with USER) selects an <Anonymous> context.
    [[nodiscard]] virtual std::optional<LoginRefusal> admit(const std::string& account,
                                                            const std::string& login_name) = 0;
};

}  // namespace ward::monitor
