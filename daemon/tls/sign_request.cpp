#include "daemon/tls/sign_request.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <array>
#include <memory>

#include "base/strings.hpp"
#include "daemon/tls/openssl_ptr.hpp"

namespace ward::tls {
namespace {

struct DigestKind {
    const char* name;
    int nid;
    std::size_t size;
};
constexpr std::array kDigests = {DigestKind{"SHA256", NID_sha256, 32}, DigestKind{"SHA384", NID_sha384, 48},
                                 DigestKind{"SHA512", NID_sha512, 64}};

// MGF1 (RFC 8017 B.2.1) of `seed` with `md`, `length` bytes.
std::string mgf1(std::string_view seed, const EVP_MD* md, std::size_t length) {
    std::string mask;
    std::string input(seed);
    input.append(4, '\0');
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    for (std::uint32_t counter = 0; mask.size() < length; ++counter) {
        for (std::size_t i = 0; i < 4; ++i) {
            input[seed.size() + i] = static_cast<char>((counter >> (24 - 8 * i)) & 0xffU);
        }
        unsigned int size = 0;
        if (EVP_Digest(input.data(), input.size(), out.data(), &size, md, nullptr) != 1) {
            return {};
        }
        mask.append(reinterpret_cast<const char*>(out.data()), size);
    }
    mask.resize(length);
    return mask;
}

bool pss_shape_with(std::string_view em, std::size_t unused_bits, const DigestKind& digest) {
    if (em.size() < digest.size + 2) {
        return false;
    }
    const EVP_MD* md = EVP_get_digestbynid(digest.nid);
    if (md == nullptr) {
        return false;
    }
    const std::size_t db_size = em.size() - digest.size - 1;
    const std::string_view masked = em.substr(0, db_size);
    const std::string_view hash = em.substr(db_size, digest.size);
    const std::string mask = mgf1(hash, md, db_size);
    if (mask.size() != db_size) {
        return false;
    }
    std::string db(db_size, '\0');
    for (std::size_t i = 0; i < db_size; ++i) {
        db[i] = static_cast<char>(static_cast<unsigned char>(masked[i]) ^ static_cast<unsigned char>(mask[i]));
    }
    db[0] = static_cast<char>(static_cast<unsigned char>(db[0]) & (0xffU >> unused_bits));
    std::size_t i = 0;
    while (i < db_size && db[i] == '\0') {
        ++i;
    }
    // PS (zeros) then 0x01, then the salt (at most the digest's size, as TLS uses).
    return i < db_size && db[i] == '\x01' && db_size - i - 1 <= digest.size;
}

}  // namespace

const char* scheme_name(SignScheme scheme) noexcept {
    switch (scheme) {
        case SignScheme::ecdsa_digest: return "ECDSA digest";
        case SignScheme::rsa_pss_block: return "RSA-PSS block";
        case SignScheme::rsa_pkcs1_digest: return "RSA PKCS#1 DigestInfo";
    }
    return "?";
}

std::optional<std::string> check_pss_block(std::string_view block, int modulus_bits) {
    if (modulus_bits < 1024) {
        return "the key is too small";
    }
    const auto bits = static_cast<std::size_t>(modulus_bits);
    const std::size_t em_bits = bits - 1;
    const std::size_t em_size = (em_bits + 7) / 8;
    const std::size_t modulus_size = (bits + 7) / 8;
    if (block.size() != modulus_size) {
        return str_cat("the block has ", block.size(), " bytes, the modulus ", modulus_size);
    }
    std::string_view em = block;
    if (modulus_size > em_size) {
        if (em[0] != '\0') {
            return "the block's leading byte is not zero";
        }
        em.remove_prefix(1);
    }
    const std::size_t unused_bits = 8 * em_size - em_bits;
    if ((static_cast<unsigned char>(em[0]) & ~(0xffU >> unused_bits) & 0xffU) != 0) {
        return "the block's leftmost bits are not zero";
    }
    if (em.back() != '\xbc') {
        return "the block does not end in 0xbc";
    }
    for (const auto& digest : kDigests) {
        if (pss_shape_with(em, unused_bits, digest)) {
            return std::nullopt;
        }
    }
    return "the block is not an EMSA-PSS encoding with SHA-256, SHA-384 or SHA-512";
}

std::optional<std::string> check_digest_info(std::string_view info) {
    const auto* p = reinterpret_cast<const unsigned char*>(info.data());
    std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)> sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(info.size())),
                                                           &X509_SIG_free);
    ERR_clear_error();
    if (!sig || p != reinterpret_cast<const unsigned char*>(info.data()) + info.size()) {
        return "not a DER DigestInfo";
    }
    const X509_ALGOR* alg = nullptr;
    const ASN1_OCTET_STRING* digest = nullptr;
    X509_SIG_get0(sig.get(), &alg, &digest);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
    const int nid = OBJ_obj2nid(oid);
    for (const auto& kind : kDigests) {
        if (kind.nid == nid) {
            if (static_cast<std::size_t>(ASN1_STRING_length(digest)) != kind.size) {
                return str_cat("a ", kind.name, " DigestInfo with a digest of the wrong length");
            }
            return std::nullopt;
        }
    }
    return "a DigestInfo of a digest other than SHA-256, SHA-384 or SHA-512";
}

std::optional<std::string> check_digest(std::string_view digest) {
    for (const auto& kind : kDigests) {
        if (digest.size() == kind.size) {
            return std::nullopt;
        }
    }
    return str_cat("a digest of ", digest.size(), " bytes is not SHA-256, SHA-384 or SHA-512");
}

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return {};
    }
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

}  // namespace ward::tls
