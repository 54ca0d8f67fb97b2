#include "daemon/tls/worker_context.hpp"

#include "base/strings.hpp"

namespace ward::tls {

Result<std::shared_ptr<boost::asio::ssl::context>> worker_context(const std::vector<CertPtr>& certificates,
                                                                  const ServerSettings& settings, Signer signer) {
    if (certificates.empty()) {
        return Error{"no certificate to serve"};
    }
    X509* leaf = certificates.front().get();
    auto key = remote_key(leaf, std::move(signer));
    if (!key) {
        return std::move(key).error();
    }
    if (has_private_components(key->get())) {
        return Error{"the worker's key object holds private components; refusing to serve with it"};
    }
    auto ctx = make_server_context(leaf, key->get(), settings);
    if (!ctx) {
        return std::move(ctx).error();
    }
    for (std::size_t i = 1; i < certificates.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(ctx->get(), certificates[i].get()) != 1) {
            return Error{str_cat("TLSCertificateChainFile: certificate ", i, " cannot be added: ", openssl_error())};
        }
    }
    // asio's context takes the SSL_CTX over and frees it.
    return std::make_shared<boost::asio::ssl::context>(ctx->release());
}

}  // namespace ward::tls
