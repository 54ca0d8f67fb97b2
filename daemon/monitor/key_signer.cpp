#include "daemon/monitor/key_signer.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

#include "base/strings.hpp"
#include "daemon/tls/certificate_file.hpp"

namespace ward::monitor {
namespace {

struct BioFree {
    void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

Result<BioPtr> open_file(const std::string& path, const char* what) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        return Error{str_cat(what, " ", path, " cannot be read: ", tls::openssl_error(),
                             "; check the path, and that root can read the file")};
    }
    return bio;
}

}  // namespace

Result<KeySigner> KeySigner::load(const std::string& certificate_file, const std::string& key_file) {
    auto cert_bio = open_file(certificate_file, "certificate");
    if (!cert_bio) {
        return std::move(cert_bio).error();
    }
    tls::CertPtr cert(PEM_read_bio_X509(cert_bio->get(), nullptr, nullptr, nullptr));
    if (!cert) {
        return Error{str_cat("certificate ", certificate_file, " holds no PEM certificate: ", tls::openssl_error(),
                             "; the file must be PEM (-----BEGIN CERTIFICATE-----)")};
    }
    if (auto dates = tls::check_dates(cert.get(), certificate_file, "certificate"); !dates) {
        return Error{str_cat(dates.error().message,
                             "; renew the certificate (or correct the system clock) and name the new file")};
    }
    auto key_bio = open_file(key_file, "key");
    if (!key_bio) {
        return std::move(key_bio).error();
    }
    // No passphrase prompt: an encrypted key is refused (TLSPassPhraseProvider is not supported).
    tls::KeyPtr key(PEM_read_bio_PrivateKey(key_bio->get(), nullptr, nullptr, const_cast<char*>("")));
    if (!key) {
        return Error{str_cat("key ", key_file, " holds no unencrypted PEM private key: ", tls::openssl_error(),
                             "; an encrypted key needs its passphrase removed (openssl pkey -in KEY -out NEWKEY, "
                             "then chmod 600 NEWKEY): TLSPassPhraseProvider is not supported")};
    }
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        ERR_clear_error();
        return Error{str_cat("key ", key_file, " does not belong to certificate ", certificate_file,
                             "; name the key the certificate was made for (openssl x509 -noout -pubkey -in CERT and "
                             "openssl pkey -pubout -in KEY print the same public key for a matching pair)")};
    }
    const int type = EVP_PKEY_get_base_id(key.get());
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
        return Error{str_cat("key ", key_file, " is ", OBJ_nid2sn(type),
                             "; RSA and EC keys are supported: make an RSA or EC key and certificate")};
    }
    return KeySigner(std::move(cert), std::move(key));
}

Result<std::string> KeySigner::sign(const tls::SignRequest& request) const {
    const int type = EVP_PKEY_get_base_id(key_.get());
    std::optional<std::string> problem;
    int padding = 0;
    switch (request.scheme) {
        case tls::SignScheme::ecdsa_digest:
            problem = type == EVP_PKEY_EC ? tls::check_digest(request.input) : "the key is not an EC key";
            break;
        case tls::SignScheme::rsa_pss_block:
            problem = type == EVP_PKEY_RSA ? tls::check_pss_block(request.input, EVP_PKEY_get_bits(key_.get()))
                                           : "the key is not an RSA key";
            padding = RSA_NO_PADDING;
            break;
        case tls::SignScheme::rsa_pkcs1_digest:
            problem = type == EVP_PKEY_RSA ? tls::check_digest_info(request.input) : "the key is not an RSA key";
            padding = RSA_PKCS1_PADDING;
            break;
    }
    if (problem) {
        return Error{str_cat("refused to sign a ", tls::scheme_name(request.scheme), ": ", *problem)};
    }
    tls::KeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        (padding != 0 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) != 1)) {
        return Error{str_cat("cannot sign: ", tls::openssl_error())};
    }
    const auto* in = reinterpret_cast<const unsigned char*>(request.input.data());
    std::size_t size = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &size, in, request.input.size()) != 1) {
        return Error{str_cat("cannot sign: ", tls::openssl_error())};
    }
    std::string signature(size, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, in,
                      request.input.size()) != 1) {
        return Error{str_cat("cannot sign: ", tls::openssl_error())};
    }
    signature.resize(size);
    return signature;
}

}  // namespace ward::monitor
