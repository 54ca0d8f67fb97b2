#include "tests/ftp/test_host.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::ftp::testd {
namespace {

// ProFTPD's <Limit WRITE> group, plus SITE CHMOD and RNFR: what "read-only anonymous" refuses.
bool is_write_command(std::string_view command) {
    for (const std::string_view w : {"APPE", "DELE", "MKD", "RMD", "RNFR", "RNTO", "STOR", "STOU", "SITE_CHMOD"}) {
        if (command == w) {
            return true;
        }
    }
    return false;
}

class TestPolicy final : public AccessPolicy {
public:
    TestPolicy(bool deny_write, PathRules rules) : deny_write_(deny_write), rules_(std::move(rules)) {}
    [[nodiscard]] bool allowed(std::string_view command, std::string_view, const std::string&) const override {
        return !(deny_write_ && is_write_command(command));
    }
    [[nodiscard]] PathRules rules_for(std::string_view) const override { return rules_; }

private:
    bool deny_write_;
    PathRules rules_;
};

class SystemNames final : public NameCache {
public:
    [[nodiscard]] std::optional<std::string> user_name(uid_t uid) const override {
        passwd pw{};
        passwd* found = nullptr;
        char buf[4096];
        if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) != 0 || found == nullptr) {
            return std::nullopt;
        }
        return std::string(pw.pw_name);
    }
    [[nodiscard]] std::optional<gid_t> group_id(std::string_view name) const override {
        group gr{};
        group* found = nullptr;
        char buf[4096];
        const std::string n(name);
        if (::getgrnam_r(n.c_str(), &gr, buf, sizeof buf, &found) != 0 || found == nullptr) {
            return std::nullopt;
        }
        return gr.gr_gid;
    }
    [[nodiscard]] std::optional<std::string> group_name(gid_t gid) const override {
        group gr{};
        group* found = nullptr;
        char buf[4096];
        if (::getgrgid_r(gid, &gr, buf, sizeof buf, &found) != 0 || found == nullptr) {
            return std::nullopt;
        }
        return std::string(gr.gr_name);
    }
};

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", byte);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

const char* point_name(exec::HookPoint point) {
    switch (point) {
        case exec::HookPoint::before_command: return "before_command";
        case exec::HookPoint::on_command: return "on_command";
        case exec::HookPoint::on_error: return "on_error";
        case exec::HookPoint::on_connect: return "on_connect";
        case exec::HookPoint::on_exit: return "on_exit";
    }
    return "?";
}

const char* status_name(exec::TransferStatus status) {
    switch (status) {
        case exec::TransferStatus::none: return "-";
        case exec::TransferStatus::success: return "success";
        case exec::TransferStatus::failed: return "failed";
        case exec::TransferStatus::cancelled: return "cancelled";
        case exec::TransferStatus::timeout: return "timeout";
    }
    return "?";
}

std::optional<long> number(const char* text) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 0);
    if (end == text || *end != '\0') {
        return std::nullopt;
    }
    return value;
}

bool on_off(const char* text) { return std::strcmp(text, "on") == 0 || std::strcmp(text, "1") == 0; }

}  // namespace

bool parse_options(int argc, char** argv, Options& out) {
    out.settings.timeouts = Timeouts{};
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "ftp_session_testd: " << flag << " needs a value\n";
            return false;
        }
        const char* value = argv[++i];
        const auto n = number(value);
        if (flag == "--port" && n) {
            out.port = static_cast<std::uint16_t>(*n);
        } else if (flag == "--root") {
            out.root = value;
        } else if (flag == "--user") {
            const char* colon = std::strchr(value, ':');
            if (colon == nullptr) {
                std::cerr << "--user wants name:password\n";
                return false;
            }
            out.users[std::string(value, colon)] = colon + 1;
        } else if (flag == "--anonymous-root") {
            out.anonymous_root = value;
        } else if (flag == "--anonymous-write") {
            out.anonymous_write = on_off(value);
        } else if (flag == "--hook-log") {
            out.hook_log = value;
        } else if (flag == "--hook-output") {
            out.hook_output.emplace_back(value);
        } else if (flag == "--transfer-log") {
            out.transfer_log = value;
        } else if (flag == "--passive-ports") {
            unsigned first = 0;
            unsigned last = 0;
            if (std::sscanf(value, "%u-%u", &first, &last) != 2) {
                return false;
            }
            out.settings.passive_ports = PortRange{static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(last)};
        } else if (flag == "--masquerade-address") {
            out.settings.masquerade_address = value;
        } else if (flag == "--timeout-idle" && n) {
            out.settings.timeouts.idle = std::chrono::seconds(*n);
        } else if (flag == "--timeout-login" && n) {
            out.settings.timeouts.login = std::chrono::seconds(*n);
        } else if (flag == "--timeout-no-transfer" && n) {
            out.settings.timeouts.no_transfer = std::chrono::seconds(*n);
        } else if (flag == "--timeout-stalled" && n) {
            out.settings.timeouts.stalled = std::chrono::seconds(*n);
        } else if (flag == "--deny-filter") {
            out.settings.deny_filter.pattern = value;
            out.rules.deny_filter.pattern = value;
        } else if (flag == "--path-deny-filter") {
            out.rules.path_deny_filter.pattern = value;
        } else if (flag == "--display-login") {
            out.settings.display_login = value;
        } else if (flag == "--show-symlinks") {
            out.settings.show_symlinks = on_off(value);
        } else if (flag == "--max-login-attempts" && n) {
            out.settings.max_login_attempts = static_cast<unsigned>(*n);
        } else if (flag == "--allow-overwrite") {
            out.rules.allow_overwrite = on_off(value);
        } else if (flag == "--allow-store-restart") {
            out.rules.allow_store_restart = on_off(value);
        } else if (flag == "--allow-retrieve-restart") {
            out.rules.allow_retrieve_restart = on_off(value);
        } else if (flag == "--hidden-stores") {
            out.rules.hidden_stores = on_off(value);
        } else if (flag == "--umask" && n) {
            out.rules.umask = static_cast<mode_t>(*n);
        } else {
            std::cerr << "ftp_session_testd: unknown flag or bad value: " << flag << ' ' << value << '\n';
            return false;
        }
    }
    if (out.root.empty()) {
        std::cerr << "ftp_session_testd: --root is required\n";
        return false;
    }
    return true;
}

LoginResult TestHost::authenticate(std::string_view user, std::string_view password) {
    LoginResult result;
    const bool anonymous_name = user == "anonymous" || user == "ftp";
    if (anonymous_name && !options_.anonymous_root.empty()) {
        result.status = LoginResult::Status::ok;
        user_ = "ftp";
        anonymous_ = true;
        return result;
    }
    const auto it = options_.users.find(std::string(user));
    if (it != options_.users.end() && it->second == password) {
        result.status = LoginResult::Status::ok;
        user_ = it->first;
        anonymous_ = false;
        return result;
    }
    ++failures_;
    result.status = failures_ >= options_.settings.max_login_attempts ? LoginResult::Status::closing
                                                                      : LoginResult::Status::denied;
    return result;
}

std::optional<PostAuthSession> TestHost::hand_over(HandoverState state) {
    (void)state;
    PostAuthSession post;
    post.identity.user = user_;
    post.identity.login_name = anonymous_ ? std::string("anonymous") : user_;
    post.identity.uid = ::getuid();
    post.identity.gid = ::getgid();
    post.identity.anonymous = anonymous_;
    post.identity.root = anonymous_ ? options_.anonymous_root : options_.root;
    post.identity.home = post.identity.root;
    post.identity.initial_cwd = "/";
    post.settings = options_.settings;
    post.policy = std::make_shared<TestPolicy>(anonymous_ && !options_.anonymous_write, options_.rules);
    post.names = std::make_shared<SystemNames>();
    return post;
}

bool TestHost::wants_hook(exec::HookPoint point, std::string_view command) const {
    (void)point;
    (void)command;
    return !options_.hook_log.empty();
}

std::vector<std::string> TestHost::run_hooks(exec::HookPoint point, const exec::CommandEvent& event) {
    const std::string line = str_cat(
        "{\"point\":", json_string(point_name(point)), ",\"command\":", json_string(event.command),
        ",\"arguments\":", json_string(event.arguments), ",\"command_line\":", json_string(event.command_line),
        ",\"path\":", json_string(event.path), ",\"rename_from\":", json_string(event.rename_from),
        ",\"cwd\":", json_string(event.cwd), ",\"reply_code\":", event.reply_code,
        ",\"reply_text\":", json_string(event.reply_text), ",\"bytes\":", event.bytes,
        ",\"file_offset\":", event.file_offset, ",\"file_size\":",
        event.file_size ? str_cat(*event.file_size) : std::string("null"), ",\"file_existed\":", event.file_existed,
        ",\"transfer_status\":", json_string(status_name(event.transfer_status)),
        ",\"transfer_failure\":", json_string(event.transfer_failure), ",\"transfer_binary\":", event.transfer_binary,
        ",\"transfer_port\":", event.transfer_port, ",\"session_bytes_in\":", event.session_bytes_in,
        ",\"session_bytes_out\":", event.session_bytes_out, "}\n");
    auto fd = sys::open(options_.hook_log, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd) {
        (void)sys::write_all(fd->get(), line);
    }
    if (point == exec::HookPoint::on_command || point == exec::HookPoint::on_connect) {
        return options_.hook_output;
    }
    return {};
}

Result<UniqueFd> TestHost::privileged_data_connection(std::uint16_t local_port, const std::string& target_address,
                                                      std::uint16_t target_port) {
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    if (::getsockname(control_fd_, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        return sys::errno_error("getsockname");
    }
    UniqueFd fd(::socket(local.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        return sys::errno_error("socket");
    }
    const int on = 1;
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (local.ss_family == AF_INET) {
        reinterpret_cast<sockaddr_in*>(&local)->sin_port = htons(local_port);
    } else {
        reinterpret_cast<sockaddr_in6*>(&local)->sin6_port = htons(local_port);
    }
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), len) != 0) {
        return sys::errno_error(str_cat("bind port ", local_port));
    }
    sockaddr_storage target{};
    if (local.ss_family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&target);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(target_port);
        if (::inet_pton(AF_INET, target_address.c_str(), &v4->sin_addr) != 1) {
            return Error{str_cat("not an IPv4 address: ", target_address)};
        }
    } else {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&target);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(target_port);
        if (::inet_pton(AF_INET6, target_address.c_str(), &v6->sin6_addr) != 1) {
            return Error{str_cat("not an IPv6 address: ", target_address)};
        }
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&target), len) != 0) {
        return sys::errno_error(str_cat("connect to ", target_address, " port ", target_port));
    }
    return fd;
}

void TestHost::log_transfer(std::string_view line) {
    if (options_.transfer_log_fd >= 0) {
        if (auto written = sys::write_all(options_.transfer_log_fd, line); !written) {
            log::warning("TransferLog: ", written.error().message);
        }
    }
}

void TestHost::session_ended(std::string_view reason) {
    if (!options_.hook_log.empty()) {
        auto fd = sys::open(options_.hook_log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd) {
            (void)sys::write_all(fd->get(), str_cat("{\"point\":\"session_ended\",\"reason\":", json_string(reason), "}\n"));
        }
    }
}

}  // namespace ward::ftp::testd
