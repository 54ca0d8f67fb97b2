// wardctl: the control client (lsmod, insmod, rmmod over the daemon's ControlsSocket) and a minisign-
// compatible key and signature tool for users without minisign (keygen, sign, verify).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/version.hpp"
#include "modules/controls.hpp"
#include "modules/minisign.hpp"
#include "modules/verifier.hpp"

namespace {

using ward::Error;
using ward::Result;
using ward::str_cat;

constexpr std::string_view kUsage =
    "usage: wardctl [-s socket] lsmod | insmod mod_x.c | rmmod mod_x.c\n"
    "       wardctl [-s socket] who | kick user NAME | kick host ADDRESS | kick session PID\n"
    "       wardctl keygen -p key.pub -s key.sec [-f]\n"
    "       wardctl sign -s key.sec -m file [-x file.minisig] [-t trusted-comment] [-M mod_x.c]\n"
    "       wardctl verify -p key.pub -m file [-x file.minisig]\n"
    "       wardctl --version | --help\n";
constexpr std::size_t kMaxSignedFile = ward::modules::kMaxModuleBytes;

int fail(std::string_view message) {
    (void)ward::sys::write_all(2, str_cat("wardctl: ", message, "\n"));
    return 1;
}

struct Args {
    std::map<std::string, std::string> options;  // "-p" -> value
    std::vector<std::string> words;
    bool force = false;
};

Result<Args> parse_args(int argc, char** argv, int first) {
    Args args;
    for (int i = first; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-f") {
            args.force = true;
        } else if (arg.size() == 2 && arg[0] == '-') {
            if (i + 1 >= argc) {
                return Error{str_cat(arg, " needs a value")};
            }
            args.options[std::string(arg)] = argv[++i];
        } else {
            args.words.emplace_back(arg);
        }
    }
    return args;
}

std::string option(const Args& args, const std::string& name, const std::string& fallback = {}) {
    const auto it = args.options.find(name);
    if (it == args.options.end()) {
        return fallback;
    }
    return it->second;
}

Result<void> write_new_file(const std::string& path, std::string_view text, mode_t mode, bool force) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
    auto fd = ward::sys::open(path, flags, mode);
    if (!fd) {
        return std::move(fd).error();
    }
    return ward::sys::write_all(fd->get(), text);
}

std::span<const unsigned char> bytes_of(const std::string& s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};  // NOLINT(*-reinterpret-cast)
}

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

int keygen(const Args& args) {
    const std::string pub = option(args, "-p");
    const std::string sec = option(args, "-s");
    if (pub.empty() || sec.empty()) {
        return fail("keygen needs -p key.pub and -s key.sec");
    }
    const auto key = ward::minisign::generate_key();
    if (auto ok = write_new_file(sec, ward::minisign::format_secret_key(key), 0600, args.force); !ok) {
        return fail(ok.error().message);
    }
    if (auto ok = write_new_file(pub, ward::minisign::format_public_key(key.public_key()), 0644, args.force); !ok) {
        return fail(ok.error().message);
    }
    (void)ward::sys::write_all(1, str_cat("key id ", ward::minisign::key_id_text(key.id), "\n"));
    return 0;
}

int sign(const Args& args) {
    const std::string sec = option(args, "-s");
    const std::string file = option(args, "-m");
    if (sec.empty() || file.empty()) {
        return fail("sign needs -s key.sec and -m file");
    }
    auto key_text = ward::sys::read_file(sec, ward::minisign::kMaxFileBytes);
    if (!key_text) {
        return fail(key_text.error().message);
    }
    auto key = ward::minisign::parse_secret_key(*key_text);
    if (!key) {
        return fail(str_cat(sec, ": ", key.error().message));
    }
    auto contents = ward::sys::read_file(file, kMaxSignedFile);
    if (!contents) {
        return fail(contents.error().message);
    }
    std::string trusted = option(args, "-t", str_cat("timestamp:", ::time(nullptr), "\tfile:", base_name(file), "\thashed"));
    if (const std::string module = option(args, "-M"); !module.empty()) {
        trusted += str_cat("\tmodule=", module);
    }
    const std::string sig = ward::minisign::sign(*key, bytes_of(*contents), trusted,
                                                 str_cat("signature from wardctl secret key ",
                                                         ward::minisign::key_id_text(key->id)));
    if (auto ok = write_new_file(option(args, "-x", file + ".minisig"), sig, 0644, true); !ok) {
        return fail(ok.error().message);
    }
    return 0;
}

int verify(const Args& args) {
    const std::string pub = option(args, "-p");
    const std::string file = option(args, "-m");
    if (pub.empty() || file.empty()) {
        return fail("verify needs -p key.pub and -m file");
    }
    auto key_text = ward::sys::read_file(pub, ward::minisign::kMaxFileBytes);
    auto sig_text = ward::sys::read_file(option(args, "-x", file + ".minisig"), ward::minisign::kMaxFileBytes);
    auto contents = ward::sys::read_file(file, kMaxSignedFile);
    for (const auto* r : {&key_text, &sig_text, &contents}) {
        if (!*r) {
            return fail(r->error().message);
        }
    }
    auto key = ward::minisign::parse_public_key(*key_text);
    auto sig = key ? ward::minisign::parse_signature(*sig_text) : Result<ward::minisign::Signature>(key.error());
    if (!sig) {
        return fail(sig.error().message);
    }
    if (auto ok = ward::minisign::verify(*sig, *key, bytes_of(*contents)); !ok) {
        return fail(str_cat(file, ": ", ok.error().message));
    }
    (void)ward::sys::write_all(1, str_cat("Signature and comment signature verified\nTrusted comment: ",
                                          sig->trusted_comment, "\n"));
    return 0;
}

int control(const Args& args) {
    std::string request;
    for (const auto& word : args.words) {
        request += str_cat(request.empty() ? "" : " ", word);
    }
    if (auto parsed = ward::modules::parse_control_request(request); !parsed) {
        return fail(parsed.error().message);
    }
    const std::string path = option(args, "-s", std::string(ward::modules::kDefaultControlsSocket));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        return fail(str_cat(path, ": socket path is too long"));
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const ward::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT
        return fail(ward::sys::errno_error(str_cat("connect ", path)).message);
    }
    if (auto ok = ward::sys::write_all(fd.get(), request + "\n"); !ok) {
        return fail(ok.error().message);
    }
    (void)::shutdown(fd.get(), SHUT_WR);
    auto reply = ward::sys::read_fd(fd.get(), ward::modules::kMaxControlReply, path);
    if (!reply) {
        return fail(reply.error().message);
    }
    const bool error = reply->starts_with("error");
    (void)ward::sys::write_all(error ? 2 : 1, *reply);
    return error ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view first = argc > 1 ? argv[1] : "";
    if (first == "--version" || first == "-v") {
        (void)ward::sys::write_all(1, str_cat("wardctl ", ward::kVersion, "\n"));
        return 0;
    }
    if (first == "--help" || first == "-h" || first.empty()) {
        (void)ward::sys::write_all(first.empty() ? 2 : 1, kUsage);
        return first.empty() ? 2 : 0;
    }
    if (auto ok = ward::minisign::init(); !ok) {
        return fail(ok.error().message);
    }
    const bool tool = first == "keygen" || first == "sign" || first == "verify";
    auto args = parse_args(argc, argv, tool ? 2 : 1);
    if (!args) {
        return fail(args.error().message);
    }
    if (first == "keygen") {
        return keygen(*args);
    }
    if (first == "sign") {
        return sign(*args);
    }
    if (first == "verify") {
        return verify(*args);
    }
    return control(*args);
}
