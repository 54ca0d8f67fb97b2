#pragma once
// A server's mod_tls settings, read once per configuration from the values config/tls_values.* checked at
// parse time: the certificate and key files (for the key process, daemon/master/key_process.hpp; a worker
// reads only the certificates), the worker's TLS context (ServerSettings) and what the session enforces
// (TLSRequired, the session reuse requirement, implicit FTPS, the handshake timeout). Read by the daemon's
// context preparation (daemon/daemon_context.cpp) once per configuration.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "config/tls_values.hpp"
#include "daemon/tls/server_context.hpp"

namespace ward::tls {

// One certificate and its key file (ProFTPD reads the key from the certificate's file when no key file is
// named).
struct KeyFiles {
    std::string certificate;
    std::string key;
};

struct Settings {
    bool engine = false;                 // TLSEngine
    std::optional<KeyFiles> rsa;         // TLSRSACertificateFile, TLSRSACertificateKeyFile
    std::optional<KeyFiles> ec;          // TLSECCertificateFile, TLSECCertificateKeyFile
    std::string chain_file;              // TLSCertificateChainFile
    std::string ca_file;                 // TLSCACertificateFile (client certificates)
    std::string ca_path;                 // TLSCACertificatePath
    ServerSettings server;               // TLSProtocol, TLSCipherSuite, TLSServerCipherPreference, TLSECDHCurve,
                                         // TLSSessionTickets
    config::tls_values::Required required;  // TLSRequired
    bool session_reuse_required = true;     // off with TLSOptions NoSessionReuseRequired
    bool implicit = false;                  // TLSOptions UseImplicitSSL
    config::tls_values::VerifyClient verify_client = config::tls_values::VerifyClient::off;
    unsigned verify_depth = 9;              // ProFTPD's default
    std::chrono::seconds handshake_timeout{300};  // TLSTimeoutHandshake (ProFTPD's default)
    std::string log;                        // TLSLog; empty: none
    std::string masquerade_address;         // TLSMasqueradeAddress
    std::vector<std::string> warnings;      // "file:line: why" (TLSProtocol versions that are never negotiated)
};

// Errors name file:line: TLSEngine on without a certificate, a key file without its certificate, TLSVerifyClient
// on without a CA to verify against.
[[nodiscard]] Result<Settings> settings_for(const config::Server& server);

}  // namespace ward::tls
