#pragma once
// Reading PEM certificates (public data) and the one check of their dates, shared by the key process's loader
// (daemon/monitor/key_signer.cpp) and the -t / start-up check of the chain and CA files
// (daemon/master/tls_files.cpp), so both refuse the same certificates with the same words.
#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "daemon/tls/openssl_ptr.hpp"

namespace ward::tls {

// Every certificate in a PEM file, in order; an Error when the file cannot be read or holds none.
// `what` names the file's role in the messages ("certificate", "chain file").
[[nodiscard]] Result<std::vector<CertPtr>> read_certificates(const std::string& path, std::string_view what);

// An Error "WHAT PATH has expired" / "WHAT PATH is not valid yet" (with the certificate's subject and dates
// when the file holds several), or success when now lies between notBefore and notAfter.
[[nodiscard]] Result<void> check_dates(X509* certificate, const std::string& path, std::string_view what);

// "CN=localhost, RSA 2048 bits, valid until 2027-12-03 12:00:00 UTC": one line for -t's summary.
[[nodiscard]] std::string describe(X509* certificate);

}  // namespace ward::tls
