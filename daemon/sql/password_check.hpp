#pragma once
// SQLAuthTypes in the SQL helper: Crypt (libxcrypt, as for /etc/shadow), mod_sql_passwd's SHA256 and SHA512
// (the digest of salt + password, encoded per SQLPasswordEncoding), and Plaintext where the configuration
// explicitly allows it. The types are tried in the order configured; every comparison takes the same time
// whatever matches.
#include <string>
#include <string_view>

#include "daemon/sql/settings.hpp"

namespace ward::sql {

struct SaltValues {
    std::string user;  // SQLPasswordUserSalt's value for this user (empty: none)
};

[[nodiscard]] bool check_password(const Settings& settings, std::string_view password, const std::string& stored,
                                  const SaltValues& salts);

// The encoded digest mod_sql_passwd stores for `input` (tests and tools).
[[nodiscard]] std::string encoded_digest(AuthType type, Encoding encoding, std::string_view input);

}  // namespace ward::sql
