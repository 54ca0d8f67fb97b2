#include "modules/minisign.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "base/strings.hpp"

namespace ward::minisign {
namespace {

constexpr std::string_view kUntrustedPrefix = "untrusted comment: ";
constexpr std::string_view kTrustedPrefix = "trusted comment: ";
constexpr std::size_t kAlgBytes = 2;
constexpr std::size_t kPublicKeyBlob = kAlgBytes + kKeyIdBytes + kPublicKeyBytes;  // 42
constexpr std::size_t kSignatureBlob = kAlgBytes + kKeyIdBytes + kSignatureBytes;  // 74
constexpr std::size_t kSaltBytes = 32;
constexpr std::size_t kChecksumBytes = 32;
// sig_alg, kdf_alg, chk_alg, salt, opslimit, memlimit, key id, secret key, checksum
constexpr std::size_t kSecretKeyBlob =
    3 * kAlgBytes + kSaltBytes + 8 + 8 + kKeyIdBytes + kSecretKeyBytes + kChecksumBytes;  // 158
constexpr std::size_t kHashBytes = crypto_generichash_BYTES_MAX;  // 64: BLAKE2b-512

using Bytes = std::vector<unsigned char>;

// Lines of a small text file: "\n" or "\r\n" endings, a missing final newline allowed.
Result<std::vector<std::string_view>> lines_of(std::string_view text, std::string_view what) {
    if (text.size() > kMaxFileBytes) {
        return Error{str_cat(what, " is larger than ", kMaxFileBytes, " bytes")};
    }
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return lines;
}

Result<Bytes> base64_decode(std::string_view text, std::size_t expected, std::string_view what) {
    // Decoding needs at most 3/4 of the input; a longer line than the blob needs is refused before it.
    if (text.size() > (expected + 2) / 3 * 4) {
        return Error{str_cat(what, " is longer than ", expected, " bytes")};
    }
    Bytes out(expected);
    std::size_t size = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size()) {
        return Error{str_cat(what, " is not valid base64")};
    }
    if (size != expected) {
        return Error{str_cat(what, " has ", size, " bytes, not ", expected)};
    }
    return out;
}

std::string base64_encode(std::span<const unsigned char> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

Result<std::string> comment_after(std::string_view line, std::string_view prefix, std::string_view what) {
    if (!line.starts_with(prefix)) {
        return Error{str_cat(what, " does not start with '", prefix, "'")};
    }
    line.remove_prefix(prefix.size());
    if (line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos) {
        return Error{str_cat(what, " contains a carriage return or a NUL byte")};
    }
    if (line.size() > kMaxCommentBytes) {
        return Error{str_cat(what, " is longer than ", kMaxCommentBytes, " bytes")};
    }
    return std::string(line);
}

bool algorithm_is(const Bytes& blob, std::string_view alg) {
    return blob[0] == static_cast<unsigned char>(alg[0]) && blob[1] == static_cast<unsigned char>(alg[1]);
}

template <std::size_t N>
void copy_out(const Bytes& blob, std::size_t offset, std::array<unsigned char, N>& out) {
    std::copy_n(blob.begin() + static_cast<std::ptrdiff_t>(offset), N, out.begin());
}

std::array<unsigned char, kHashBytes> blake2b_512(std::span<const unsigned char> message) {
    std::array<unsigned char, kHashBytes> hash{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, hash.size());
    crypto_generichash_update(&state, message.data(), message.size());
    crypto_generichash_final(&state, hash.data(), hash.size());
    return hash;
}

std::array<unsigned char, kChecksumBytes> secret_key_checksum(const SecretKey& key) {
    std::array<unsigned char, kChecksumBytes> sum{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, sum.size());
    const std::array<unsigned char, 2> alg{'E', 'd'};
    crypto_generichash_update(&state, alg.data(), alg.size());
    crypto_generichash_update(&state, key.id.data(), key.id.size());
    crypto_generichash_update(&state, key.key.data(), key.key.size());
    crypto_generichash_final(&state, sum.data(), sum.size());
    return sum;
}

Bytes global_message(std::span<const unsigned char> signature, std::string_view trusted_comment) {
    Bytes message(signature.size() + trusted_comment.size());
    std::copy(signature.begin(), signature.end(), message.begin());
    std::transform(trusted_comment.begin(), trusted_comment.end(),
                   message.begin() + static_cast<std::ptrdiff_t>(signature.size()),
                   [](char c) { return static_cast<unsigned char>(c); });
    return message;
}

}  // namespace

Result<void> init() {
    if (sodium_init() < 0) {
        return Error{"libsodium failed to initialise"};
    }
    return {};
}

std::string key_id_text(const KeyId& id) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (auto it = id.rbegin(); it != id.rend(); ++it) {
        out.push_back(kHex[*it >> 4U]);
        out.push_back(kHex[*it & 0xFU]);
    }
    return out;
}

Result<PublicKey> parse_public_key(std::string_view text) {
    auto lines = lines_of(text, "public key file");
    if (!lines) {
        return std::move(lines).error();
    }
    PublicKey key;
    std::string_view b64;
    if (lines->size() == 1) {
        b64 = trim((*lines)[0]);
    } else if (lines->size() == 2 || (lines->size() == 3 && (*lines)[2].empty())) {
        auto comment = comment_after((*lines)[0], kUntrustedPrefix, "public key's first line");
        if (!comment) {
            return std::move(comment).error();
        }
        key.untrusted_comment = std::move(*comment);
        b64 = (*lines)[1];
    } else {
        return Error{"a public key file has two lines: an untrusted comment and the key"};
    }
    auto blob = base64_decode(b64, kPublicKeyBlob, "public key");
    if (!blob) {
        return std::move(blob).error();
    }
    if (!algorithm_is(*blob, "Ed")) {
        return Error{"public key is not an Ed25519 key (algorithm is not 'Ed')"};
    }
    copy_out(*blob, kAlgBytes, key.id);
    copy_out(*blob, kAlgBytes + kKeyIdBytes, key.key);
    return key;
}

Result<Signature> parse_signature(std::string_view text) {
    auto lines = lines_of(text, "signature file");
    if (!lines) {
        return std::move(lines).error();
    }
    if (lines->size() == 5 && (*lines)[4].empty()) {
        lines->pop_back();
    }
    if (lines->size() != 4) {
        return Error{str_cat("a signature file has 4 lines, this one has ", lines->size())};
    }
    Signature sig;
    auto untrusted = comment_after((*lines)[0], kUntrustedPrefix, "signature's first line");
    if (!untrusted) {
        return std::move(untrusted).error();
    }
    sig.untrusted_comment = std::move(*untrusted);
    auto blob = base64_decode((*lines)[1], kSignatureBlob, "signature");
    if (!blob) {
        return std::move(blob).error();
    }
    if (algorithm_is(*blob, "ED")) {
        sig.algorithm = Algorithm::prehashed;
    } else if (algorithm_is(*blob, "Ed")) {
        sig.algorithm = Algorithm::legacy;
    } else {
        return Error{"unsupported signature algorithm (neither 'ED' nor 'Ed')"};
    }
    copy_out(*blob, kAlgBytes, sig.key_id);
    copy_out(*blob, kAlgBytes + kKeyIdBytes, sig.signature);
    auto trusted = comment_after((*lines)[2], kTrustedPrefix, "signature's third line");
    if (!trusted) {
        return std::move(trusted).error();
    }
    sig.trusted_comment = std::move(*trusted);
    auto global = base64_decode((*lines)[3], kSignatureBytes, "trusted comment signature");
    if (!global) {
        return std::move(global).error();
    }
    copy_out(*global, 0, sig.global_signature);
    return sig;
}

Result<SecretKey> parse_secret_key(std::string_view text) {
    auto lines = lines_of(text, "secret key file");
    if (!lines) {
        return std::move(lines).error();
    }
    if (lines->size() < 2 || !(*lines)[0].starts_with(kUntrustedPrefix)) {
        return Error{"a secret key file has two lines: an untrusted comment and the key"};
    }
    auto blob = base64_decode((*lines)[1], kSecretKeyBlob, "secret key");
    if (!blob) {
        return std::move(blob).error();
    }
    if (!algorithm_is(*blob, "Ed")) {
        return Error{"secret key is not an Ed25519 key"};
    }
    if ((*blob)[2] != 0 || (*blob)[3] != 0) {
        return Error{"secret key is encrypted with a password: sign with minisign -S, or remove the password "
                     "with minisign -C -W"};
    }
    SecretKey key;
    constexpr std::size_t kIdOffset = 3 * kAlgBytes + kSaltBytes + 16;
    copy_out(*blob, kIdOffset, key.id);
    copy_out(*blob, kIdOffset + kKeyIdBytes, key.key);
    std::array<unsigned char, kChecksumBytes> stored{};
    copy_out(*blob, kIdOffset + kKeyIdBytes + kSecretKeyBytes, stored);
    // minisign -W leaves the checksum zero; when present it must match.
    const bool has_checksum = std::any_of(stored.begin(), stored.end(), [](unsigned char c) { return c != 0; });
    if (has_checksum && sodium_memcmp(stored.data(), secret_key_checksum(key).data(), stored.size()) != 0) {
        return Error{"secret key checksum does not match (corrupt key file)"};
    }
    return key;
}

Result<void> verify(const Signature& sig, const PublicKey& key, std::span<const unsigned char> message) {
    if (sodium_memcmp(sig.key_id.data(), key.id.data(), kKeyIdBytes) != 0) {
        return Error{str_cat("signed by key ", key_id_text(sig.key_id), ", not by trusted key ", key_id_text(key.id))};
    }
    int bad = 0;
    if (sig.algorithm == Algorithm::prehashed) {
        const auto hash = blake2b_512(message);
        bad = crypto_sign_verify_detached(sig.signature.data(), hash.data(), hash.size(), key.key.data());
    } else {
        bad = crypto_sign_verify_detached(sig.signature.data(), message.data(), message.size(), key.key.data());
    }
    if (bad != 0) {
        return Error{"signature does not match the file (the file was changed after signing, or is not the signed file)"};
    }
    const Bytes global = global_message(sig.signature, sig.trusted_comment);
    if (crypto_sign_verify_detached(sig.global_signature.data(), global.data(), global.size(), key.key.data()) != 0) {
        return Error{"trusted comment signature does not match (the trusted comment was changed)"};
    }
    return {};
}

PublicKey SecretKey::public_key() const {
    PublicKey pub;
    pub.id = id;
    std::copy_n(key.begin() + (kSecretKeyBytes - kPublicKeyBytes), kPublicKeyBytes, pub.key.begin());
    return pub;
}

SecretKey generate_key() {
    SecretKey key;
    std::array<unsigned char, kPublicKeyBytes> pub{};
    crypto_sign_keypair(pub.data(), key.key.data());
    randombytes_buf(key.id.data(), key.id.size());
    return key;
}

std::string sign(const SecretKey& key, std::span<const unsigned char> message, std::string_view trusted_comment,
                 std::string_view untrusted_comment) {
    const auto hash = blake2b_512(message);
    Bytes blob{'E', 'D'};
    blob.insert(blob.end(), key.id.begin(), key.id.end());
    std::array<unsigned char, kSignatureBytes> signature{};
    crypto_sign_detached(signature.data(), nullptr, hash.data(), hash.size(), key.key.data());
    blob.insert(blob.end(), signature.begin(), signature.end());
    const Bytes global_input = global_message(signature, trusted_comment);
    std::array<unsigned char, kSignatureBytes> global{};
    crypto_sign_detached(global.data(), nullptr, global_input.data(), global_input.size(), key.key.data());
    return str_cat(kUntrustedPrefix, untrusted_comment, "\n", base64_encode(blob), "\n", kTrustedPrefix,
                   trusted_comment, "\n", base64_encode(global), "\n");
}

std::string format_public_key(const PublicKey& key) {
    Bytes blob{'E', 'd'};
    blob.insert(blob.end(), key.id.begin(), key.id.end());
    blob.insert(blob.end(), key.key.begin(), key.key.end());
    return str_cat(kUntrustedPrefix, "minisign public key ", key_id_text(key.id), "\n", base64_encode(blob), "\n");
}

std::string format_secret_key(const SecretKey& key) {
    Bytes blob{'E', 'd', 0, 0, 'B', '2'};
    blob.resize(blob.size() + kSaltBytes + 16, 0);  // no KDF: salt and limits unused
    blob.insert(blob.end(), key.id.begin(), key.id.end());
    blob.insert(blob.end(), key.key.begin(), key.key.end());
    const auto checksum = secret_key_checksum(key);
    blob.insert(blob.end(), checksum.begin(), checksum.end());
    std::string text = str_cat(kUntrustedPrefix, "wardctl unencrypted secret key\n", base64_encode(blob), "\n");
    sodium_memzero(blob.data(), blob.size());
    return text;
}

}  // namespace ward::minisign
