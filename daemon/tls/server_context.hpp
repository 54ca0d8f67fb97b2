#pragma once
// The server side of FTPS in a worker: an SSL_CTX with the certificate and a remote key (remote_key.hpp),
// the protocols, cipher suites and curves of the configuration, and the control connection's session carried
// to the post-auth worker so that data connections resume it (ProFTPD's session reuse requirement) without
// a new signature.
#include <openssl/ssl.h>

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "daemon/tls/openssl_ptr.hpp"

namespace ward::tls {

struct ServerSettings {
    int min_version = TLS1_2_VERSION;  // TLSProtocol: TLSv1.2 and TLSv1.3 by default, nothing older
    int max_version = TLS1_3_VERSION;
    std::string cipher_list;      // TLSCipherSuite (TLS 1.2 suites); empty: OpenSSL's default
    std::string tls13_suites;     // TLSCipherSuite TLSv1.3 ... (TLS 1.3 suites); empty: OpenSSL's default
    bool server_preference = false;  // TLSServerCipherPreference
    std::string curves;           // TLSECDHCurve (a ':' list); empty: OpenSSL's default
    bool session_tickets = false;  // TLSSessionTickets (ProFTPD's default: off, a server-side session cache)
};

// `key` holds the public half only and signs through the monitor; the context never sees a private key.
[[nodiscard]] Result<SslCtxPtr> make_server_context(X509* certificate, EVP_PKEY* key, const ServerSettings& settings);

// The control connection's session as bytes (for the hand-over), and its import into another process's
// context, after which a client offering it resumes there. Empty when there is no session.
[[nodiscard]] std::string export_session(SSL* ssl);
[[nodiscard]] Result<void> import_session(SSL_CTX* ctx, std::string_view bytes);

// True when a data connection's handshake resumed a session (what NoSessionReuseRequired turns off).
[[nodiscard]] bool resumed(SSL* ssl) noexcept;

}  // namespace ward::tls
