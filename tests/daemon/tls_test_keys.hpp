#pragma once
// Throwaway certificates for tests, made at test time (no private key is ever committed).
#include <filesystem>
#include <string>

#include "daemon/tls/openssl_ptr.hpp"

namespace ward::testing {

// "RSA" (2048 bits) or "EC" (P-256).
tls::KeyPtr make_key(const std::string& type);
// Self-signed for CN=localhost, valid from now+not_before to now+not_after seconds.
tls::CertPtr make_cert(EVP_PKEY* key, long not_before, long not_after);
std::string write_cert(X509* cert, const std::filesystem::path& path);
std::string write_key(EVP_PKEY* key, const std::filesystem::path& path);

struct CertFiles {
    std::string certificate;
    std::string key;
};
// A fresh key and a certificate valid for an hour, written as dir/NAME.crt and dir/NAME.key.
CertFiles write_cert_and_key(const std::filesystem::path& dir, const std::string& type, const std::string& name);

}  // namespace ward::testing
