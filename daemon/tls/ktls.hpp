#pragma once
// Kernel TLS: whether RETR under PROT P can hand the file to the kernel (sendfile on a kTLS socket, the
// record encryption done by the kernel) or encrypts in user space (read + SSL_write). Detected once at start-up
// (before the master confines itself), printed by -V and -t and logged at start-up with the same words.
//
// kTLS needs both: the kernel's "tls" upper-layer protocol registered (tls.ko loaded; the list is
// /proc/sys/net/ipv4/tcp_available_ulp), and an OpenSSL built with kTLS (Debian 12's is). The probe reads
// the list and, when it names tls, attaches the ULP to a loopback TCP connection to see the kernel accept it.
// It never loads a module: a root process's setsockopt(TCP_ULP) would make the kernel autoload tls.ko, so the
// socket probe runs only when the list already names it.
#include <string>
#include <string_view>

namespace ward::tls {

struct KtlsSupport {
    bool kernel = false;        // the tls ULP is registered and a loopback TCP socket accepted it
    bool openssl = false;       // the OpenSSL this was built against has kTLS (OPENSSL_NO_KTLS unset)
    std::string kernel_detail;  // when !kernel: why ("tls is not in tcp_available_ulp (mptcp)", ...)
};

// True when the space-separated list (tcp_available_ulp's text) holds `name`.
[[nodiscard]] bool ulp_listed(std::string_view available, std::string_view name) noexcept;

[[nodiscard]] KtlsSupport detect_ktls(const std::string& ulp_list = "/proc/sys/net/ipv4/tcp_available_ulp");

// True when RETR under PROT P takes the kTLS + sendfile path.
[[nodiscard]] inline bool retr_uses_ktls(const KtlsSupport& support) noexcept {
    return support.kernel && support.openssl;
}

// One line: "kernel TLS: kernel tls ULP available|not available (why); OpenSSL with|without kTLS; RETR under
// PROT P uses kTLS + sendfile|userspace TLS (read + SSL_write)".
[[nodiscard]] std::string ktls_report(const KtlsSupport& support);

}  // namespace ward::tls
