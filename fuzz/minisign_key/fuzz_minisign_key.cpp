// Fuzzes the minisign public key parser (ModuleTrustedKey files, read as root) and the secret key parser
// (wardctl sign). Beyond "no crash": an accepted public key, written back in minisign's format, parses to
// the same id and key; an accepted secret key's public half does too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "modules/minisign.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = ward::minisign::init().has_value();
    if (!ready) {
        std::abort();
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto key = ward::minisign::parse_public_key(text)) {
        const auto again = ward::minisign::parse_public_key(ward::minisign::format_public_key(*key));
        if (!again || again->id != key->id || again->key != key->key) {
            std::abort();
        }
    }
    if (const auto secret = ward::minisign::parse_secret_key(text)) {
        const auto again = ward::minisign::parse_secret_key(ward::minisign::format_secret_key(*secret));
        if (!again || again->key != secret->key || again->id != secret->id) {
            std::abort();
        }
    }
    return 0;
}
