// RSA_METHOD and EC_KEY_METHOD are the OpenSSL 3.0 route to a key whose private operation runs elsewhere
// (a provider would be the other, at several times the code). Both APIs are deprecated in 3.0 but present
// through 3.x; this translation unit alone opts in to them, so -Werror stays on everywhere else.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "daemon/tls/remote_key.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>

#include "base/strings.hpp"

namespace ward::tls {
namespace {

void free_signer(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/, void* /*argp*/) {
    delete static_cast<Signer*>(ptr);  // NOLINT(cppcoreguidelines-owning-memory): owned by the key's ex_data
}

int rsa_index() {
    static const int index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_signer);
    return index;
}
int ec_index() {
    static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_signer);
    return index;
}

// Copies the signer's answer to `to` when it has exactly `expected` bytes; the byte count or -1.
int deliver(const Result<std::string>& answer, unsigned char* to, std::size_t expected) {
    if (!answer || answer->size() != expected) {
        return -1;
    }
    std::copy(answer->begin(), answer->end(), reinterpret_cast<char*>(to));
    return static_cast<int>(answer->size());
}

// OpenSSL's RSA-PSS path encodes the block itself and asks for a raw private operation (RSA_NO_PADDING);
// its PKCS#1 v1.5 path (TLS 1.2) asks for a padded operation on the DigestInfo.
int rsa_private_encrypt(int flen, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
    auto* signer = static_cast<Signer*>(RSA_get_ex_data(rsa, rsa_index()));
    if (signer == nullptr || flen < 0) {
        return -1;
    }
    SignRequest request;
    request.input.assign(reinterpret_cast<const char*>(from), static_cast<std::size_t>(flen));
    if (padding == RSA_NO_PADDING) {
        request.scheme = SignScheme::rsa_pss_block;
    } else if (padding == RSA_PKCS1_PADDING) {
        request.scheme = SignScheme::rsa_pkcs1_digest;
    } else {
        return -1;
    }
    return deliver((*signer)(request), to, static_cast<std::size_t>(RSA_size(rsa)));
}

int rsa_refuse(int /*flen*/, const unsigned char* /*from*/, unsigned char* /*to*/, RSA* /*rsa*/, int /*padding*/) {
    return -1;  // decryption with the certificate's key: never (no RSA key exchange)
}

const RSA_METHOD* remote_rsa_method() {
    static RSA_METHOD* method = [] {
        RSA_METHOD* m = RSA_meth_dup(RSA_get_default_method());
        RSA_meth_set1_name(m, "wardftpd remote RSA key");
        RSA_meth_set_priv_enc(m, &rsa_private_encrypt);
        RSA_meth_set_priv_dec(m, &rsa_refuse);
        return m;
    }();
    return method;
}

int ec_sign(int /*type*/, const unsigned char* dgst, int dlen, unsigned char* sig, unsigned int* siglen,
            const BIGNUM* /*kinv*/, const BIGNUM* /*r*/, EC_KEY* eckey) {
    auto* signer = static_cast<Signer*>(EC_KEY_get_ex_data(eckey, ec_index()));
    if (signer == nullptr || dlen < 0) {
        return 0;
    }
    SignRequest request{SignScheme::ecdsa_digest,
                        std::string(reinterpret_cast<const char*>(dgst), static_cast<std::size_t>(dlen))};
    const auto answer = (*signer)(request);
    if (!answer || answer->size() > static_cast<std::size_t>(ECDSA_size(eckey))) {
        return 0;
    }
    std::copy(answer->begin(), answer->end(), reinterpret_cast<char*>(sig));
    *siglen = static_cast<unsigned int>(answer->size());
    return 1;
}

ECDSA_SIG* ec_sign_sig(const unsigned char* dgst, int dlen, const BIGNUM* kinv, const BIGNUM* r, EC_KEY* eckey) {
    std::string der(static_cast<std::size_t>(ECDSA_size(eckey)), '\0');
    unsigned int size = 0;
    if (ec_sign(0, dgst, dlen, reinterpret_cast<unsigned char*>(der.data()), &size, kinv, r, eckey) != 1) {
        return nullptr;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    return d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size));
}

const EC_KEY_METHOD* remote_ec_method() {
    static EC_KEY_METHOD* method = [] {
        EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
        EC_KEY_METHOD_set_sign(m, &ec_sign, nullptr, &ec_sign_sig);
        return m;
    }();
    return method;
}

}  // namespace

Result<KeyPtr> remote_key(X509* certificate, Signer signer) {
    EVP_PKEY* pub = X509_get0_pubkey(certificate);
    if (pub == nullptr) {
        return Error{str_cat("the certificate's public key cannot be read: ", openssl_error())};
    }
    KeyPtr key(EVP_PKEY_new());
    auto owned = std::make_unique<Signer>(std::move(signer));
    switch (EVP_PKEY_get_base_id(pub)) {
        case EVP_PKEY_RSA: {
            RSA* rsa = RSAPublicKey_dup(EVP_PKEY_get0_RSA(pub));
            if (rsa == nullptr || RSA_set_method(rsa, remote_rsa_method()) != 1 ||
                RSA_set_ex_data(rsa, rsa_index(), owned.get()) != 1) {
                RSA_free(rsa);
                return Error{str_cat("cannot make the remote RSA key: ", openssl_error())};
            }
            (void)owned.release();  // the RSA object's ex_data owns it now
            if (EVP_PKEY_assign_RSA(key.get(), rsa) != 1) {
                RSA_free(rsa);
                return Error{str_cat("cannot make the remote RSA key: ", openssl_error())};
            }
            return key;
        }
        case EVP_PKEY_EC: {
            EC_KEY* ec = EC_KEY_dup(EVP_PKEY_get0_EC_KEY(pub));
            if (ec == nullptr || EC_KEY_set_method(ec, remote_ec_method()) != 1 ||
                EC_KEY_set_ex_data(ec, ec_index(), owned.get()) != 1) {
                EC_KEY_free(ec);
                return Error{str_cat("cannot make the remote EC key: ", openssl_error())};
            }
            (void)owned.release();
            if (EVP_PKEY_assign_EC_KEY(key.get(), ec) != 1) {
                EC_KEY_free(ec);
                return Error{str_cat("cannot make the remote EC key: ", openssl_error())};
            }
            return key;
        }
        default:
            return Error{str_cat("the certificate's key type ", OBJ_nid2sn(EVP_PKEY_get_base_id(pub)),
                                 " is not supported (RSA and EC are)")};
    }
}

bool has_private_components(EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA: {
            const RSA* rsa = EVP_PKEY_get0_RSA(key);
            const BIGNUM* d = nullptr;
            const BIGNUM* p = nullptr;
            RSA_get0_key(rsa, nullptr, nullptr, &d);
            RSA_get0_factors(rsa, &p, nullptr);
            return d != nullptr || p != nullptr;
        }
        case EVP_PKEY_EC: return EC_KEY_get0_private_key(EVP_PKEY_get0_EC_KEY(key)) != nullptr;
        default: return true;  // unknown: assume the worst
    }
}

}  // namespace ward::tls
