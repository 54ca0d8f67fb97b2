#pragma once
// The pre-auth worker's FTPS context: the certificate and its chain (public data the master read at start-up),
// a remote key (remote_key.hpp) whose signatures come from `signer` (the session monitor, which forwards to
// the key process), and the configuration's protocols and suites (server_context.hpp). Built before the
// worker confines itself, so OpenSSL reads its own configuration while it still can.
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <vector>

#include "base/result.hpp"
#include "daemon/tls/openssl_ptr.hpp"
#include "daemon/tls/remote_key.hpp"
#include "daemon/tls/server_context.hpp"

namespace ward::tls {

// `certificates`: the leaf first, then the chain (TLSCertificateChainFile) in order.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> worker_context(
    const std::vector<CertPtr>& certificates, const ServerSettings& settings, Signer signer);

}  // namespace ward::tls
