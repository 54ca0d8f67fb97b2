#pragma once
// Owning pointers for the OpenSSL objects this project keeps (one deleter each, no manual frees).
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace ward::tls {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct X509Free {
    void operator()(X509* cert) const noexcept { X509_free(cert); }
};
struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
struct EvpPkeyCtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using CertPtr = std::unique_ptr<X509, X509Free>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using KeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;

// The first queued OpenSSL error as text ("" when none), and the queue cleared.
[[nodiscard]] std::string openssl_error();

}  // namespace ward::tls
