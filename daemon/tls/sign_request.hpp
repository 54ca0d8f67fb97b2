#pragma once
// What a worker's TLS handshake may ask the key holder to sign, and the checks the key holder makes before it
// signs anything. The worker never holds the private key (daemon/tls/remote_key.hpp); the key holder
// (daemon/monitor/key_signer.hpp) answers with a signature only, and only for inputs shaped like a handshake
// signature: a bare digest (ECDSA), an RSA-PSS encoded block, or a PKCS#1 v1.5 DigestInfo. It never performs
// a raw RSA private operation on arbitrary bytes, so the oracle cannot decrypt or sign anything else.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::tls {

enum class SignScheme : std::uint8_t {
    ecdsa_digest = 1,       // input: a SHA-256/384/512 digest; answer: a DER ECDSA signature
    rsa_pss_block = 2,      // input: an EMSA-PSS encoded block of the modulus' size; answer: block^d
    rsa_pkcs1_digest = 3,   // input: a DER DigestInfo of SHA-256/384/512 (TLS 1.2 only); answer: PKCS#1 v1.5
};

struct SignRequest {
    SignScheme scheme = SignScheme::ecdsa_digest;
    std::string input;
    bool operator==(const SignRequest&) const = default;
};

// Largest input (an RSA block of a 16384-bit key) and signature the IPC carries.
inline constexpr std::size_t kMaxSignInput = 2048;

[[nodiscard]] constexpr bool valid_scheme(std::uint8_t value) noexcept { return value >= 1 && value <= 3; }
[[nodiscard]] const char* scheme_name(SignScheme scheme) noexcept;

// nullopt when `block` is a well-formed EMSA-PSS encoding (RFC 8017 9.1.1) for a modulus of `modulus_bits`
// bits with MGF1 over SHA-256, SHA-384 or SHA-512; otherwise why not.
[[nodiscard]] std::optional<std::string> check_pss_block(std::string_view block, int modulus_bits);
// nullopt when `info` is a DER DigestInfo of a SHA-256/384/512 digest of the right length.
[[nodiscard]] std::optional<std::string> check_digest_info(std::string_view info);
// nullopt when `digest` has the length of a SHA-256/384/512 digest.
[[nodiscard]] std::optional<std::string> check_digest(std::string_view digest);

}  // namespace ward::tls
