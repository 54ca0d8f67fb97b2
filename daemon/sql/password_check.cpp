#include "daemon/sql/password_check.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "daemon/auth/password.hpp"

namespace ward::sql {
namespace {

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string salted(const Settings& settings, std::string_view password, const SaltValues& salts) {
    std::string before;
    std::string after;
    const auto place = [&](const Salt& salt, const std::string& value) {
        if (salt.source == SaltSource::none) {
            return;
        }
        (salt.prepend ? before : after) += value;
    };
    place(settings.file_salt, settings.file_salt.value);
    place(settings.user_salt, salts.user);
    return before + std::string(password) + after;
}

}  // namespace

std::string encoded_digest(AuthType type, Encoding encoding, std::string_view input) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const EVP_MD* md = type == AuthType::sha512 ? EVP_sha512() : EVP_sha256();
    if (EVP_Digest(input.data(), input.size(), digest.data(), &length, md, nullptr) != 1) {
        return {};
    }
    if (encoding == Encoding::base64) {
        std::string out(4 * ((length + 2) / 3) + 1, '\0');
        const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest.data(),
                                            static_cast<int>(length));
        out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
        return out;
    }
    const char* digits = encoding == Encoding::hex_upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    out.reserve(std::size_t{2} * length);
    for (unsigned int i = 0; i < length; ++i) {
        out += digits[digest[i] >> 4U];
        out += digits[digest[i] & 0x0fU];
    }
    return out;
}

bool check_password(const Settings& settings, std::string_view password, const std::string& stored,
                    const SaltValues& salts) {
    if (stored.empty()) {
        return false;  // an empty stored password never matches (ProFTPD's Empty type is refused)
    }
    bool matched = false;
    for (const AuthType type : settings.auth_types) {
        switch (type) {
            case AuthType::crypt: matched = auth::verify_password(password, stored) || matched; break;
            case AuthType::sha256:
            case AuthType::sha512:
                matched = same(encoded_digest(type, settings.encoding, salted(settings, password, salts)), stored) ||
                          matched;
                break;
            case AuthType::plaintext: matched = same(password, stored) || matched; break;
        }
    }
    return matched;
}

}  // namespace ward::sql
