#include "daemon/tls/settings.hpp"

#include "base/strings.hpp"
#include "config/values.hpp"

namespace ward::tls {
namespace {

namespace tv = config::tls_values;

std::string arg(const config::Directive* d) { return d != nullptr ? d->args.at(0) : std::string(); }

// A certificate directive and its key directive: both, the certificate alone (its file holds the key too), or
// neither; a key alone is an error.
Result<std::optional<KeyFiles>> key_files(const config::Server& server, const char* certificate_name,
                                          const char* key_name) {
    const config::Directive* certificate = server.get(certificate_name);
    const config::Directive* key = server.get(key_name);
    if (certificate == nullptr) {
        if (key != nullptr) {
            return Error{str_cat(config::to_string(key->where), ": ", key_name, " without ", certificate_name)};
        }
        return std::optional<KeyFiles>{};
    }
    KeyFiles files{certificate->args.at(0), key != nullptr ? key->args.at(0) : certificate->args.at(0)};
    return std::optional<KeyFiles>{std::move(files)};
}

// TLSProtocol's set as the lowest and highest version OpenSSL is allowed; versions below TLS 1.2 were
// warned about at parse time and are never negotiated.
void protocols(const config::Server& server, Settings& settings) {
    const config::Directive* line = server.get("TLSProtocol");
    if (line == nullptr) {
        return;
    }
    auto parsed = tv::parse_protocols(line->args);
    if (!parsed) {
        return;  // checked at parse time; the defaults stay
    }
    for (const auto& warning : parsed->warnings) {
        settings.warnings.push_back(str_cat(config::to_string(line->where), ": TLSProtocol: ", warning));
    }
    const bool v12 = (parsed->set & tv::tls1_2) != 0;
    const bool v13 = (parsed->set & tv::tls1_3) != 0;
    settings.server.min_version = v12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    settings.server.max_version = v13 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

// TLSCipherSuite [TLSv1.3] list: the TLS 1.2 list, or with the TLSv1.3 word the TLS 1.3 suites.
void cipher_suites(const config::Server& server, Settings& settings) {
    for (const config::Directive* line : server.get_all("TLSCipherSuite")) {
        if (line->args.size() == 2 && iequals(line->args[0], "TLSv1.3")) {
            settings.server.tls13_suites = line->args[1];
        } else {
            settings.server.cipher_list = line->args.back();
        }
    }
}

void options(const config::Server& server, Settings& settings) {
    for (const config::Directive* line : server.get_all("TLSOptions")) {
        for (const auto& word : line->args) {
            if (iequals(word, "NoSessionReuseRequired")) {
                settings.session_reuse_required = false;
            } else if (iequals(word, "UseImplicitSSL")) {
                settings.implicit = true;
            }
        }
    }
}

}  // namespace

Result<Settings> settings_for(const config::Server& server) {
    Settings settings;
    const config::Directive* engine = server.get("TLSEngine");
    settings.engine = engine != nullptr && config::as_bool(*engine);

    auto rsa = key_files(server, "TLSRSACertificateFile", "TLSRSACertificateKeyFile");
    if (!rsa) {
        return std::move(rsa).error();
    }
    settings.rsa = std::move(*rsa);
    auto ec = key_files(server, "TLSECCertificateFile", "TLSECCertificateKeyFile");
    if (!ec) {
        return std::move(ec).error();
    }
    settings.ec = std::move(*ec);
    if (settings.engine && !settings.rsa && !settings.ec) {
        return Error{str_cat(config::to_string(engine->where),
                             ": TLSEngine on needs a certificate (TLSRSACertificateFile or TLSECCertificateFile)")};
    }
    settings.chain_file = arg(server.get("TLSCertificateChainFile"));
    settings.ca_file = arg(server.get("TLSCACertificateFile"));
    settings.ca_path = arg(server.get("TLSCACertificatePath"));

    protocols(server, settings);
    cipher_suites(server, settings);
    if (const config::Directive* preference = server.get("TLSServerCipherPreference")) {
        settings.server.server_preference = config::as_bool(*preference);
    }
    settings.server.curves = arg(server.get("TLSECDHCurve"));
    if (const config::Directive* tickets = server.get("TLSSessionTickets")) {
        settings.server.session_tickets = config::as_bool(*tickets);
    }
    if (const config::Directive* required = server.get("TLSRequired")) {
        if (auto form = tv::parse_required(required->args.at(0))) {
            settings.required = *form;
        }
    }
    options(server, settings);
    if (const config::Directive* verify = server.get("TLSVerifyClient")) {
        if (auto value = tv::parse_verify_client(verify->args.at(0))) {
            settings.verify_client = *value;
        }
        if (settings.verify_client != tv::VerifyClient::off && settings.ca_file.empty() && settings.ca_path.empty()) {
            return Error{str_cat(config::to_string(verify->where), ": TLSVerifyClient ", verify->args.at(0),
                                 " needs TLSCACertificateFile or TLSCACertificatePath to verify against")};
        }
    }
    if (const config::Directive* depth = server.get("TLSVerifyDepth")) {
        settings.verify_depth = static_cast<unsigned>(config::as_unsigned(*depth));
    }
    if (const config::Directive* timeout = server.get("TLSTimeoutHandshake")) {
        settings.handshake_timeout = config::as_seconds(*timeout);
    }
    if (const config::Directive* log = server.get("TLSLog"); log != nullptr && !iequals(log->args.at(0), "none")) {
        settings.log = log->args.at(0);
    }
    settings.masquerade_address = arg(server.get("TLSMasqueradeAddress"));
    return settings;
}

}  // namespace ward::tls
