#include "tests/daemon/tls_test_keys.hpp"

#include <openssl/pem.h>

#include <cstdio>

namespace ward::testing {

tls::KeyPtr make_key(const std::string& type) {
    if (type == "RSA") {
        return tls::KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
    }
    return tls::KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

tls::CertPtr make_cert(EVP_PKEY* key, long not_before, long not_after) {
    tls::CertPtr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key);
    X509_sign(cert.get(), key, EVP_sha256());
    return cert;
}

std::string write_cert(X509* cert, const std::filesystem::path& path) {
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_X509(f, cert);
    (void)std::fclose(f);
    return path.string();
}

std::string write_key(EVP_PKEY* key, const std::filesystem::path& path) {
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    (void)std::fclose(f);
    return path.string();
}

CertFiles write_cert_and_key(const std::filesystem::path& dir, const std::string& type, const std::string& name) {
    auto key = make_key(type);
    auto cert = make_cert(key.get(), -60, 3600);
    return CertFiles{write_cert(cert.get(), dir / (name + ".crt")), write_key(key.get(), dir / (name + ".key"))};
}

}  // namespace ward::testing
