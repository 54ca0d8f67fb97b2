#include "daemon/master/control_socket.hpp"

#include <grp.h>
#include <signal.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cerrno>
#include <vector>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/values.hpp"
#include "modules/controls.hpp"
#include "modules/trusted_file.hpp"

namespace ward::master {
namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr std::size_t kNameBuffer = 4096;

modules::Peer peer_of(int fd) {
    modules::Peer peer{static_cast<uid_t>(-1), static_cast<gid_t>(-1), {}, {}};
    ucred cred{};
    socklen_t size = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0) {
        return peer;
    }
    peer.uid = cred.uid;
    peer.gid = cred.gid;
    std::array<char, kNameBuffer> buffer{};
    passwd pw{};
    passwd* found_user = nullptr;
    if (::getpwuid_r(cred.uid, &pw, buffer.data(), buffer.size(), &found_user) == 0 && found_user != nullptr) {
        peer.user = pw.pw_name;
    }
    group gr{};
    group* found_group = nullptr;
    if (::getgrgid_r(cred.gid, &gr, buffer.data(), buffer.size(), &found_group) == 0 && found_group != nullptr) {
        peer.group = gr.gr_name;
    }
    return peer;
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

// The socket is only as open as the ACLs need: 0600 while they allow no one but root and the daemon's own
// user (root passes file modes anyway), 0666 when they name anyone else, a group, or deny someone (a deny
// rule allows everyone it does not name). SO_PEERCRED and the ACLs decide either way.
mode_t socket_mode(const std::vector<modules::ControlRule>& rules) {
    std::string own;
    std::array<char, kNameBuffer> buffer{};
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(::geteuid(), &pw, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        own = pw.pw_name;
    }
    for (const auto& rule : rules) {
        if (!rule.allow || rule.group) {
            return 0666;
        }
        for (const auto& name : rule.names) {
            if (name != "root" && name != own) {
                return 0666;
            }
        }
    }
    return 0600;
}

// A socket file left by a daemon that died is stale; one a running daemon still accepts on is not ours to take.
bool socket_is_live(const std::string& path) {
    asio::io_context io;
    local::socket probe(io);
    boost::system::error_code ec;
    probe.connect(local::endpoint(path), ec);
    return !ec;
}

Result<void> remove_stale(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return errno == ENOENT ? Result<void>() : Result<void>(sys::errno_error(str_cat("lstat ", path)));
    }
    if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) {
        return Error{str_cat(path, ": exists and is not a socket of ours (refused)")};
    }
    if (socket_is_live(path)) {
        return Error{str_cat(path, ": another daemon is listening on it (refused)")};
    }
    if (::unlink(path.c_str()) != 0) {
        return sys::errno_error(str_cat("unlink ", path));
    }
    return {};
}

// One connection: read a line (at most 1 KiB), answer, close.
struct ControlClient : std::enable_shared_from_this<ControlClient> {
    ControlClient(local::socket s, ControlSocket::CurrentContext c, SessionRegistry* r, ControlSocket::ModuleLoaded l)
        : socket(std::move(s)), timer(socket.get_executor()), current(std::move(c)), sessions(r), loaded(std::move(l)) {}

    void start() {
        peer = peer_of(socket.native_handle());
        timer.expires_after(kRequestTimeout);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                boost::system::error_code ignored;
                self->socket.close(ignored);
            }
        });
        asio::async_read_until(socket, asio::dynamic_buffer(request, modules::kMaxControlRequest + 1), '\n',
                               [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                                   self->on_request(ec, n);
                               });
    }

    void on_request(boost::system::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || !socket.is_open()) {
            return;
        }
        if (ec == asio::error::not_found) {
            reply = str_cat("error: request is longer than ", modules::kMaxControlRequest, " bytes\n");
            log::warning("control: uid ", peer.uid, " sent a request longer than ", modules::kMaxControlRequest,
                         " bytes");
        } else if (ec && ec != asio::error::eof) {
            return;
        } else {
            std::string_view line(request.data(), ec ? request.size() : n);
            if (line.ends_with('\n')) {
                line.remove_suffix(1);
            }
            reply = answer_control_request(current(), peer, line, sessions, loaded);
        }
        asio::async_write(socket, asio::buffer(reply), [self = shared_from_this()](boost::system::error_code, std::size_t) {
            self->timer.cancel();
            boost::system::error_code ignored;
            self->socket.close(ignored);
        });
    }

    local::socket socket;
    asio::steady_timer timer;
    ControlSocket::CurrentContext current;
    SessionRegistry* sessions;
    ControlSocket::ModuleLoaded loaded;
    modules::Peer peer;
    std::string request;
    std::string reply;
};

// who and kick: the master's own session records, under ControlsACLs (mod_ctrls; default deny).
std::string answer_session_request(const daemon::DaemonContext& context, const modules::Peer& peer,
                                   const modules::ControlRequest& request, SessionRegistry* sessions,
                                   const std::string& who) {
    std::vector<modules::ControlRule> rules;
    for (const config::Directive* rule : context.servers->config().root.find_all("ControlsACLs")) {
        rules.push_back(modules::control_rule(*rule));
    }
    if (!modules::control_allowed(rules, request.action, peer)) {
        log::warning("control: ", who, " denied ", request.action, " by ControlsACLs");
        return str_cat("error: access denied: ", request.action, " is not allowed for ", who, " (ControlsACLs)\n");
    }
    if (sessions == nullptr) {
        return str_cat("error: ", request.action, ": no session records here\n");
    }
    if (request.action == "who") {
        std::string out;
        const auto lines = who_lines(sessions->list(), std::chrono::system_clock::now());
        for (const auto& line : lines) {
            out += str_cat("ok: ", line, "\n");
        }
        return out + str_cat("ok: ", lines.size(), lines.size() == 1 ? " session\n" : " sessions\n");
    }
    auto pids = sessions->match(request.argument);
    if (!pids) {
        return str_cat("error: ", pids.error().message, "\n");
    }
    if (pids->empty()) {
        return str_cat("error: kick ", escape_for_log(request.argument), ": no such session\n");
    }
    std::string out;
    for (const pid_t pid : *pids) {
        if (::kill(pid, SIGTERM) == 0) {
            log::notice("control: ", who, " kicked session ", pid, " (", escape_for_log(request.argument), ")");
            out += str_cat("ok: kicked session ", pid, "\n");
        } else {
            out += str_cat("error: session ", pid, ": ", sys::errno_name(errno), "\n");
        }
    }
    return out;
}

}  // namespace

std::string answer_control_request(daemon::DaemonContext& context, const modules::Peer& peer, std::string_view line,
                                   SessionRegistry* sessions, const ControlSocket::ModuleLoaded& loaded) {
    auto request = modules::parse_control_request(line);
    const std::string who = str_cat(peer.user.empty() ? std::string("?") : peer.user, " (uid ", peer.uid, ")");
    if (!request) {
        log::notice("control: ", who, ": ", request.error().message);
        return str_cat("error: ", request.error().message, "\n");
    }
    if (request->action == "who" || request->action == "kick") {
        return answer_session_request(context, peer, *request, sessions, who);
    }
    modules::ModuleSet& set = context.modules;
    if (!modules::control_allowed(set.control_rules(), request->action, peer)) {
        log::warning("control: ", who, " denied ", request->action, " by ModuleControlsACLs");
        return str_cat("error: access denied: ", request->action, " is not allowed for ", who,
                       " (ModuleControlsACLs)\n");
    }
    if (request->action == "lsmod") {
        std::string out;
        for (const auto& entry : set.lsmod()) {
            out += str_cat("ok: ", entry, "\n");
        }
        return out;
    }
    const std::size_t modules_before = set.modules().size();
    auto done = request->action == "insmod" ? set.insmod(request->argument) : set.rmmod(request->argument);
    if (done && set.modules().size() > modules_before && loaded) {
        loaded();  // a shared module verified and added (not a built-in enabled again)
    }
    const std::string target = escape_for_log(request->argument);
    if (!done) {
        log::warning("control: ", who, " ", request->action, " ", target, ": ", done.error().message);
        return str_cat("error: ", request->action, " ", target, ": ", done.error().message, "\n");
    }
    log::notice("control: ", who, " ", request->action, " ", target, ": ", *done);
    return str_cat("ok: ", *done, "\n");
}

ControlSocket::ControlSocket(asio::io_context& io, std::string path, CurrentContext current,
                             SessionRegistry* sessions, ModuleLoaded loaded)
    : acceptor_(io), path_(std::move(path)), current_(std::move(current)), sessions_(sessions),
      loaded_(std::move(loaded)) {}

ControlSocket::~ControlSocket() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    (void)::unlink(path_.c_str());
}

Result<std::unique_ptr<ControlSocket>> ControlSocket::open(asio::io_context& io, const config::Config& config,
                                                           CurrentContext current, SessionRegistry* sessions,
                                                           ModuleLoaded loaded) {
    const config::Directive* engine = config.root.find("ControlsEngine");
    if (engine == nullptr || !config::as_bool(*engine)) {
        return std::unique_ptr<ControlSocket>();
    }
    const config::Directive* where = config.root.find("ControlsSocket");
    const std::string path = where != nullptr ? where->args.at(0) : std::string(modules::kDefaultControlsSocket);
    const std::string shown = where != nullptr ? str_cat(to_string(where->where), ": ControlsSocket ") : "ControlsSocket ";
    if (auto dir = modules::open_trusted_dir(parent_of(path), modules::default_owners()); !dir) {
        return Error{shown + dir.error().message};
    }
    if (auto removed = remove_stale(path); !removed) {
        return Error{shown + removed.error().message};
    }
    const mode_t mode = socket_mode(current().modules.control_rules());
    std::unique_ptr<ControlSocket> control(
        new ControlSocket(io, path, std::move(current), sessions, std::move(loaded)));
    boost::system::error_code ec;
    control->acceptor_.open(local(), ec);
    if (!ec) {
        control->acceptor_.bind(local::endpoint(path), ec);
    }
    if (!ec && ::chmod(path.c_str(), mode) != 0) {
        ec.assign(errno, boost::system::system_category());
    }
    if (!ec) {
        control->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return Error{str_cat(shown, path, ": ", ec.message())};
    }
    log::info("control socket listening on ", path, " (mode 0", mode == 0600 ? "600" : "666", ")");
    control->accept_next();
    return control;
}

void ControlSocket::accept_next() {
    acceptor_.async_accept([this](boost::system::error_code ec, local::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            return;
        }
        if (!ec) {
            std::make_shared<ControlClient>(std::move(socket), current_, sessions_, loaded_)->start();
        }
        accept_next();
    });
}

}  // namespace ward::master
