#include "daemon/auth/password.hpp"

#include <crypt.h>

#include <cstring>
#include <memory>

namespace ward::auth {
namespace {

bool locked(const std::string& hash) {
    return hash.empty() || hash == "x" || hash.front() == '*' || hash.front() == '!';
}

bool same_bytes(std::string_view a, std::string_view b) {
    // Constant time over the longer length, so the position of a difference is not revealed.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0U;
        const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0U;
        diff |= x ^ y;
    }
    return diff == 0;
}

std::string crypt_with(std::string_view password, const char* setting) {
    auto data = std::make_unique<crypt_data>();
    const std::string phrase(password);
    const char* out = ::crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
    std::string result = out != nullptr && out[0] != '*' ? std::string(out) : std::string();
    ::explicit_bzero(data.get(), sizeof(crypt_data));
    return result;
}

const std::string& dummy_hash() {
    static const std::string hash = hash_password("wardftpd dummy password");
    return hash;
}

}  // namespace

bool verify_password(std::string_view password, const std::string& stored_hash) {
    if (locked(stored_hash) || password.find('\0') != std::string_view::npos) {
        (void)verify_against_dummy(password);
        return false;
    }
    const std::string computed = crypt_with(password, stored_hash.c_str());
    return !computed.empty() && same_bytes(computed, stored_hash);
}

bool verify_against_dummy(std::string_view password) {
    (void)crypt_with(password, dummy_hash().c_str());
    return false;
}

std::string hash_password(std::string_view password, std::string_view prefix) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    const std::string wanted(prefix);
    if (::crypt_gensalt_rn(wanted.empty() ? nullptr : wanted.c_str(), 0, nullptr, 0, setting, sizeof setting) ==
        nullptr) {
        return {};
    }
    return crypt_with(password, setting);
}

}  // namespace ward::auth
