#pragma once
// The privileged side of key isolation: the certificate's private key, loaded by the master at start-up
// (and on SIGHUP), inherited by each session monitor, and never by a worker. A worker's handshake sends a
// SignRequest (daemon/tls/sign_request.hpp); sign() checks its shape and answers with the signature only.
#include <string>

#include "base/result.hpp"
#include "daemon/tls/openssl_ptr.hpp"
#include "daemon/tls/sign_request.hpp"

namespace ward::monitor {

class KeySigner {
public:
    // Reads a PEM certificate and its PEM private key. Errors name the file and the reason: unreadable,
    // not PEM, expired or not yet valid, or a key that does not belong to the certificate.
    [[nodiscard]] static Result<KeySigner> load(const std::string& certificate_file, const std::string& key_file);

    // The signature for a request, or an Error naming what was wrong with it (the monitor then ends the
    // session: an honest worker's OpenSSL only asks for well-formed inputs).
    [[nodiscard]] Result<std::string> sign(const tls::SignRequest& request) const;

    [[nodiscard]] X509* certificate() const noexcept { return certificate_.get(); }
    [[nodiscard]] EVP_PKEY* key() const noexcept { return key_.get(); }

private:
    KeySigner(tls::CertPtr certificate, tls::KeyPtr key) : certificate_(std::move(certificate)), key_(std::move(key)) {}

    tls::CertPtr certificate_;
    tls::KeyPtr key_;
};

}  // namespace ward::monitor
