#pragma once
// Password checks with libxcrypt's crypt_rn: yescrypt, SHA-512, SHA-256, bcrypt, MD5 -- whatever the
// library supports for the stored hash's prefix. The comparison takes the same time whatever matches.
#include <string>
#include <string_view>

namespace ward::auth {

// True only if `password` produces `stored_hash`. A locked or empty hash ("", "*", "!...", "x") never
// matches: an account without a password cannot log in over FTP.
[[nodiscard]] bool verify_password(std::string_view password, const std::string& stored_hash);

// Spends about the time of a real verification (against a hash of the system's default method), so an
// unknown user name costs what a known one does. Always false.
bool verify_against_dummy(std::string_view password);

// A fresh hash of `password` with the system's preferred method (for tests and wardctl).
[[nodiscard]] std::string hash_password(std::string_view password, std::string_view prefix = {});

}  // namespace ward::auth
