#pragma once
// mod_tls's files, checked as -t and start-up check everything else (daemon/config_check.hpp), for each server
// with TLSEngine on: the certificate/key pairs (TLSRSACertificateFile/KeyFile, TLSECCertificateFile/KeyFile),
// TLSCertificateChainFile, TLSCACertificateFile and TLSCACertificatePath. An error names the directive's
// file:line and says what to do.
//
// The pair is loaded by KeyProcess::start, the loader the daemon's key process runs, in a throwaway key
// process: the private key never enters the memory of the process running the check (the master, whose
// forks would copy it). The key file's owner and mode are checked here:
//   - owned by root or by the user running wardftpd, else refused (another owner can replace it);
//   - readable only by its owner or its group (0600, or Debian's ssl-cert convention 0640 root:ssl-cert);
//     any access by other users, or group write, is refused, as OpenSSH refuses a private key others can read.
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"

namespace ward::master {

struct TlsFilesChecked {
    // One line per file checked, for -t's summary: "TLSRSACertificateFile /etc/ssl/a.crt (CN = ..., ...)".
    std::vector<std::string> certificates;
    // CA certificates that have expired or are not valid yet: OpenSSL ignores them when it verifies a client,
    // which then fails closed, so they are a warning, not an error.
    std::vector<std::string> warnings;
};

[[nodiscard]] Result<void> check_tls_files(const config::ServerSet& servers, TlsFilesChecked& checked);

}  // namespace ward::master
