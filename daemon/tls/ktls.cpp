#include "daemon/tls/ktls.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/opensslconf.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/strings.hpp"
#include "base/unique_fd.hpp"

namespace ward::tls {
namespace {

#ifdef OPENSSL_NO_KTLS
constexpr bool kOpensslKtls = false;
#else
constexpr bool kOpensslKtls = true;
#endif

UniqueFd tcp_socket() { return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)); }

// Attaches the tls ULP to one end of a loopback TCP connection (the ULP needs an established socket); "" when
// the kernel accepted it, else why not.
std::string attach_on_loopback() {
    UniqueFd listener = tcp_socket();
    UniqueFd client = tcp_socket();
    if (!listener || !client) {
        return str_cat("no TCP socket for the probe: ", std::strerror(errno));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (::bind(listener.get(), generic, size) != 0 || ::listen(listener.get(), 1) != 0 ||
        ::getsockname(listener.get(), generic, &size) != 0 || ::connect(client.get(), generic, size) != 0) {
        return str_cat("the loopback probe connection failed: ", std::strerror(errno));
    }
    UniqueFd server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!server) {
        return str_cat("the loopback probe connection failed: ", std::strerror(errno));
    }
    if (::setsockopt(server.get(), SOL_TCP, TCP_ULP, "tls", 3) != 0) {
        return str_cat("the kernel refused TCP_ULP tls on a loopback socket: ", std::strerror(errno));
    }
    return {};
}

}  // namespace

bool ulp_listed(std::string_view available, std::string_view name) noexcept {
    std::size_t start = 0;
    while (start < available.size()) {
        const auto end = std::min(available.find_first_of(" \t\n", start), available.size());
        if (available.substr(start, end - start) == name) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

KtlsSupport detect_ktls(const std::string& ulp_list) {
    KtlsSupport support;
    support.openssl = kOpensslKtls;
    std::ifstream in(ulp_list);
    if (!in) {
        support.kernel_detail = str_cat(ulp_list, " cannot be read (no kTLS in this kernel)");
        return support;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string available = text.str();
    while (!available.empty() && available.back() == '\n') {
        available.pop_back();
    }
    if (!ulp_listed(available, "tls")) {
        support.kernel_detail = str_cat("tls is not in tcp_available_ulp (", available.empty() ? "empty" : available,
                                        "); modprobe tls where the kernel has the module");
        return support;
    }
    support.kernel_detail = attach_on_loopback();
    support.kernel = support.kernel_detail.empty();
    return support;
}

std::string ktls_report(const KtlsSupport& support) {
    return str_cat("kernel TLS: kernel tls ULP ",
                   support.kernel ? std::string("available") : str_cat("not available (", support.kernel_detail, ")"),
                   "; OpenSSL ", support.openssl ? "with" : "without", " kTLS; RETR under PROT P uses ",
                   retr_uses_ktls(support) ? "kTLS + sendfile" : "userspace TLS (read + SSL_write)");
}

}  // namespace ward::tls
