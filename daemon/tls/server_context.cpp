#include "daemon/tls/server_context.hpp"

#include <array>

#include "base/strings.hpp"

namespace ward::tls {
namespace {

// One id context for every server context of a session: the session made on the control connection is
// valid on its data connections.
constexpr std::string_view kSessionIdContext = "wardftpd";

}  // namespace

Result<SslCtxPtr> make_server_context(X509* certificate, EVP_PKEY* key, const ServerSettings& settings) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
        return Error{str_cat("cannot make a TLS context: ", openssl_error())};
    }
    if (SSL_CTX_set_min_proto_version(ctx.get(), settings.min_version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx.get(), settings.max_version) != 1) {
        return Error{str_cat("TLSProtocol: ", openssl_error())};
    }
    if (!settings.cipher_list.empty() && SSL_CTX_set_cipher_list(ctx.get(), settings.cipher_list.c_str()) != 1) {
        return Error{str_cat("TLSCipherSuite '", settings.cipher_list, "' selects no cipher suite")};
    }
    if (!settings.tls13_suites.empty() && SSL_CTX_set_ciphersuites(ctx.get(), settings.tls13_suites.c_str()) != 1) {
        return Error{str_cat("TLSCipherSuite TLSv1.3 '", settings.tls13_suites, "' selects no TLS 1.3 cipher suite")};
    }
    if (!settings.curves.empty() && SSL_CTX_set1_groups_list(ctx.get(), settings.curves.c_str()) != 1) {
        return Error{str_cat("TLSECDHCurve '", settings.curves, "' names no curve OpenSSL knows")};
    }
    std::uint64_t options = SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION;
    if (settings.server_preference) {
        options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    }
    if (!settings.session_tickets) {
        options |= SSL_OP_NO_TICKET;  // TLS 1.2: session ids; TLS 1.3: stateful tickets in the cache
    }
    SSL_CTX_set_options(ctx.get(), options);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
    if (SSL_CTX_set_session_id_context(ctx.get(), reinterpret_cast<const unsigned char*>(kSessionIdContext.data()),
                                       static_cast<unsigned int>(kSessionIdContext.size())) != 1) {
        return Error{str_cat("cannot set the session id context: ", openssl_error())};
    }
    if (SSL_CTX_use_certificate(ctx.get(), certificate) != 1 || SSL_CTX_use_PrivateKey(ctx.get(), key) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
        return Error{str_cat("the certificate and its key do not go together: ", openssl_error())};
    }
    return ctx;
}

std::string export_session(SSL* ssl) {
    SSL_SESSION* session = SSL_get0_session(ssl);
    if (session == nullptr) {
        return {};
    }
    const int size = i2d_SSL_SESSION(session, nullptr);
    if (size <= 0) {
        return {};
    }
    std::string bytes(static_cast<std::size_t>(size), '\0');
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    (void)i2d_SSL_SESSION(session, &out);
    return bytes;
}

Result<void> import_session(SSL_CTX* ctx, std::string_view bytes) {
    const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
    SSL_SESSION* session = d2i_SSL_SESSION(nullptr, &in, static_cast<long>(bytes.size()));
    if (session == nullptr) {
        return Error{str_cat("the control connection's TLS session cannot be read: ", openssl_error())};
    }
    const int added = SSL_CTX_add_session(ctx, session);
    SSL_SESSION_free(session);
    if (added != 1) {
        return Error{str_cat("the control connection's TLS session cannot be cached: ", openssl_error())};
    }
    return {};
}

bool resumed(SSL* ssl) noexcept { return SSL_session_reused(ssl) == 1; }

}  // namespace ward::tls
