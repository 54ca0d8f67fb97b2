#pragma once
// minisign's file formats, read and written with libsodium: public keys, signatures ("ED": Ed25519 over the
// BLAKE2b-512 hash of the file; "Ed": legacy, over the file itself) and unencrypted secret keys. Parsers take
// untrusted bytes (fuzz/minisign_key, fuzz/minisign_sig); every check names what failed, cheapest first.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ward::minisign {

constexpr std::size_t kKeyIdBytes = 8;
constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSecretKeyBytes = 64;
constexpr std::size_t kSignatureBytes = 64;
constexpr std::size_t kMaxFileBytes = 4096;     // a key or signature file is a few hundred bytes
constexpr std::size_t kMaxCommentBytes = 1024;  // minisign's COMMENTMAXBYTES

using KeyId = std::array<unsigned char, kKeyIdBytes>;

// minisign's display form: the little-endian id as 16 upper-case hex digits.
[[nodiscard]] std::string key_id_text(const KeyId& id);

struct PublicKey {
    KeyId id{};
    std::array<unsigned char, kPublicKeyBytes> key{};
    std::string untrusted_comment;
};

enum class Algorithm : std::uint8_t { prehashed, legacy };  // "ED", "Ed"

struct Signature {
    Algorithm algorithm = Algorithm::prehashed;
    KeyId key_id{};
    std::array<unsigned char, kSignatureBytes> signature{};
    std::string untrusted_comment;
    std::string trusted_comment;
    std::array<unsigned char, kSignatureBytes> global_signature{};  // over signature ‖ trusted comment
};

struct SecretKey {
    KeyId id{};
    std::array<unsigned char, kSecretKeyBytes> key{};  // libsodium's: seed ‖ public key
    [[nodiscard]] PublicKey public_key() const;
};

// A public key file ("untrusted comment: …" then base64), or the base64 line alone (minisign -P).
[[nodiscard]] Result<PublicKey> parse_public_key(std::string_view text);
[[nodiscard]] Result<Signature> parse_signature(std::string_view text);
// Unencrypted secret keys only (minisign -G -W, wardctl keygen); an encrypted one is an error saying so.
[[nodiscard]] Result<SecretKey> parse_secret_key(std::string_view text);

// Check order: the key id matches, the file signature, the trusted-comment signature. Errors are reasons
// without the file name ("signature does not match the file").
[[nodiscard]] Result<void> verify(const Signature& sig, const PublicKey& key, std::span<const unsigned char> message);

[[nodiscard]] SecretKey generate_key();
// A prehashed ("ED") signature file's text.
[[nodiscard]] std::string sign(const SecretKey& key, std::span<const unsigned char> message,
                               std::string_view trusted_comment, std::string_view untrusted_comment);
[[nodiscard]] std::string format_public_key(const PublicKey& key);
[[nodiscard]] std::string format_secret_key(const SecretKey& key);

// libsodium must be initialised once per process before any of the above; safe to call again.
[[nodiscard]] Result<void> init();

}  // namespace ward::minisign
