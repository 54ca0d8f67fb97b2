// Fuzzes the minisign signature parser (modules/minisign.cpp), which the master runs as root on every
// module's .minisig before anything of the module is loaded. Beyond "no crash": an accepted signature
// verifies against no key but its own id's, and a signature rewritten from the parsed fields parses back
// to the same fields; the verifier never accepts the fuzzed bytes as a message for a fixed key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "modules/minisign.hpp"

namespace {

const ward::minisign::SecretKey& fixed_key() {
    static const ward::minisign::SecretKey key = [] {
        (void)ward::minisign::init();
        return ward::minisign::generate_key();
    }();
    return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ward::minisign::SecretKey& key = fixed_key();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto sig = ward::minisign::parse_signature(text);
    if (!sig) {
        return 0;
    }
    if (sig->trusted_comment.size() > ward::minisign::kMaxCommentBytes ||
        sig->untrusted_comment.size() > ward::minisign::kMaxCommentBytes) {
        std::abort();
    }
    const std::span<const std::uint8_t> message(data, size);
    // A forged signature by a fixed random key is out of reach; an id mismatch must be reported first.
    if (ward::minisign::verify(*sig, key.public_key(), message)) {
        std::abort();
    }
    // Our own signer's output for the same trusted comment parses back to what was signed.
    const std::string ours = ward::minisign::sign(key, message, sig->trusted_comment, "fuzz");
    const auto again = ward::minisign::parse_signature(ours);
    if (!again || again->trusted_comment != sig->trusted_comment ||
        !ward::minisign::verify(*again, key.public_key(), message)) {
        std::abort();
    }
    return 0;
}
