#pragma once
// The worker's stand-in for the certificate's private key: an EVP_PKEY holding only the public half (taken
// from the certificate), whose private operation OpenSSL calls during a handshake is forwarded to `signer`
// (in wardftpd: one request to the session monitor, which holds the real key). The secret never enters
// the process that holds this object.
#include <openssl/x509.h>

#include <functional>
#include <string>

#include "base/result.hpp"
#include "daemon/tls/openssl_ptr.hpp"
#include "daemon/tls/sign_request.hpp"

namespace ward::tls {

// Returns the signature for a request, or an Error (the handshake then fails).
using Signer = std::function<Result<std::string>(const SignRequest&)>;

// RSA and EC keys; anything else is an Error naming the key type.
[[nodiscard]] Result<KeyPtr> remote_key(X509* certificate, Signer signer);

// True when `key` holds private components (used by tests and by the worker's own start-up check).
[[nodiscard]] bool has_private_components(EVP_PKEY* key);

}  // namespace ward::tls
