#include "daemon/master/tls_files.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <regex>
#include <set>
#include <string_view>

#include "base/strings.hpp"
#include "config/tls_values.hpp"
#include "config/values.hpp"
#include "daemon/master/key_process.hpp"
#include "daemon/tls/certificate_file.hpp"

namespace ward::master {
namespace {

struct KeyPair {
    std::string_view certificate;
    std::string_view key;
    int type;
    std::string_view other;  // the certificate directive for the other key type
};
constexpr std::array kPairs = {
    KeyPair{"TLSRSACertificateFile", "TLSRSACertificateKeyFile", EVP_PKEY_RSA, "TLSECCertificateFile"},
    KeyPair{"TLSECCertificateFile", "TLSECCertificateKeyFile", EVP_PKEY_EC, "TLSRSACertificateFile"},
};

std::string at(const config::Directive& d) { return str_cat(to_string(d.where), ": ", d.name, ": "); }

// What to do about a leaf certificate outside its dates (the same advice whoever finds it).
constexpr std::string_view kRenew = "; renew the certificate (or correct the system clock) and name the new file";

Result<void> check_key_file(const config::Directive& d, const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return Error{str_cat(at(d), path, ": ", std::strerror(errno), "; name the private key file")};
    }
    if (!S_ISREG(st.st_mode)) {
        return Error{str_cat(at(d), path, " is not a regular file; name the private key file itself")};
    }
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
        return Error{str_cat(at(d), "the private key ", path, " is owned by uid ", st.st_uid,
                             ", who can replace it; chown root ", path)};
    }
    const auto mode = static_cast<unsigned>(st.st_mode & 07777);
    if ((mode & (S_IWGRP | S_IXGRP | S_IRWXO)) != 0) {
        std::array<char, 8> octal{};
        (void)std::snprintf(octal.data(), octal.size(), "%04o", mode);
        return Error{str_cat(at(d), "the private key ", path, " is open to other users (mode ", octal.data(),
                             "); chmod 600 ", path, " (or 640 with group ssl-cert, as Debian's ssl-cert package does)")};
    }
    return {};
}

Result<void> check_pair(const config::Server& server, const KeyPair& pair, TlsFilesChecked& checked,
                        std::set<std::string>& seen) {
    const config::Directive* certificate = server.get(pair.certificate);
    const config::Directive* key = server.get(pair.key);
    if (certificate == nullptr) {
        if (key != nullptr) {
            return Error{str_cat(at(*key), "no ", pair.certificate, " goes with this key; name the certificate")};
        }
        return {};
    }
    // Without a key directive the key is in the certificate's file, as ProFTPD reads it.
    const config::Directive& key_directive = key != nullptr ? *key : *certificate;
    const std::string& certificate_path = certificate->args.at(0);
    const std::string& key_path = key_directive.args.at(0);
    if (!seen.insert(str_cat(certificate_path, "\n", key_path)).second) {
        return {};  // a <VirtualHost> inheriting the same pair from <Global>
    }
    if (auto mode = check_key_file(key_directive, key_path); !mode) {
        return mode;
    }
    auto certificates = tls::read_certificates(certificate_path, "certificate");
    if (!certificates) {
        return Error{str_cat(at(*certificate), certificates.error().message)};
    }
    X509* leaf = certificates->front().get();
    if (auto dates = tls::check_dates(leaf, certificate_path, "certificate"); !dates) {
        return Error{str_cat(at(*certificate), dates.error().message, kRenew)};
    }
    const EVP_PKEY* public_key = X509_get0_pubkey(leaf);
    if (public_key == nullptr || EVP_PKEY_get_base_id(public_key) != pair.type) {
        return Error{str_cat(at(*certificate), certificate_path, " is not ",
                             pair.type == EVP_PKEY_RSA ? "an RSA" : "an EC", " certificate; name it with ",
                             pair.other, " instead")};
    }
    // The certificate has passed every check above, so what the key process refuses is the key (or the pair):
    // its message names the file and says what to do (daemon/monitor/key_signer.cpp).
    auto loaded = KeyProcess::start(certificate_path, key_path);
    if (!loaded) {
        return Error{str_cat(at(key_directive), loaded.error().message)};
    }
    checked.certificates.push_back(str_cat(certificate->name, " ", certificate_path, " (", tls::describe(leaf), ")"));
    return {};
}

Result<void> check_chain(const config::Directive* chain, TlsFilesChecked& checked, std::set<std::string>& seen) {
    if (chain == nullptr || !seen.insert(chain->args.at(0)).second) {
        return {};
    }
    const std::string& path = chain->args.at(0);
    auto certificates = tls::read_certificates(path, "chain file");
    if (!certificates) {
        return Error{str_cat(at(*chain), certificates.error().message)};
    }
    for (const auto& certificate : *certificates) {
        if (auto dates = tls::check_dates(certificate.get(), path, "chain file"); !dates) {
            return Error{str_cat(at(*chain), dates.error().message,
                                 "; put the intermediate certificates your CA issues now in the file")};
        }
    }
    checked.certificates.push_back(str_cat(chain->name, " ", path, " (", certificates->size(), " certificate(s))"));
    return {};
}

// The certificates of a CA file or of one file of a CA directory: expired ones are warnings.
Result<std::size_t> read_ca(const config::Directive& d, const std::string& path, TlsFilesChecked& checked) {
    auto certificates = tls::read_certificates(path, "CA file");
    if (!certificates) {
        return Error{str_cat(at(d), certificates.error().message)};
    }
    for (const auto& certificate : *certificates) {
        if (auto dates = tls::check_dates(certificate.get(), path, "CA file"); !dates) {
            checked.warnings.push_back(str_cat(at(d), dates.error().message,
                                               "; client certificates it issued will not verify"));
        }
    }
    return certificates->size();
}

struct DirClose {
    void operator()(DIR* dir) const noexcept { (void)::closedir(dir); }
};

// TLSCACertificatePath: OpenSSL looks certificates up by subject hash (HASH.0, HASH.1, ... made by
// `openssl rehash`); HASH.rN files are revocation lists.
Result<void> check_ca_path(const config::Directive& d, TlsFilesChecked& checked) {
    const std::string& path = d.args.at(0);
    std::unique_ptr<DIR, DirClose> dir(::opendir(path.c_str()));
    if (!dir) {
        return Error{str_cat(at(d), path, ": ", std::strerror(errno), "; name a directory of CA certificates")};
    }
    static const std::regex kHashed("[0-9a-f]{8}\\.[0-9]+");
    std::size_t count = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        if (!std::regex_match(entry->d_name, kHashed)) {
            continue;
        }
        auto read = read_ca(d, str_cat(path, "/", entry->d_name), checked);
        if (!read) {
            return std::move(read).error();
        }
        count += *read;
    }
    if (count == 0) {
        return Error{str_cat(at(d), path, " holds no hashed CA certificate (HASH.0); run openssl rehash ", path)};
    }
    checked.certificates.push_back(str_cat(d.name, " ", path, " (", count, " CA certificate(s))"));
    return {};
}

// A TLSRequired inside <Directory> or <Anonymous>: the session reads the server's own only.
const config::Directive* nested_required(const config::Context& context) {
    for (const auto& child : context.children) {
        if (child.kind != config::ContextKind::anonymous && child.kind != config::ContextKind::directory) {
            continue;  // a <VirtualHost> is its own server; <Global> is the server's; <Limit> holds none
        }
        if (const config::Directive* found = child.find("TLSRequired")) {
            return found;
        }
        if (const config::Directive* found = nested_required(child)) {
            return found;
        }
    }
    return nullptr;
}

// With TLSEngine on, the mod_tls settings this build would leave unapplied are refused, never ignored.
Result<void> check_applied(const config::Server& server) {
    if (const config::Directive* verify = server.get("TLSVerifyClient")) {
        const auto value = config::tls_values::parse_verify_client(verify->args.at(0));
        if (value && *value != config::tls_values::VerifyClient::off) {
            return Error{str_cat(at(*verify), verify->args.at(0), " is refused: client certificates are not "
                                 "requested or verified by this build; a client without one would be admitted")};
        }
    }
    for (const config::Directive* options : server.get_all("TLSOptions")) {
        for (const auto& word : options->args) {
            if (iequals(word, "UseImplicitSSL")) {
                return Error{str_cat(at(*options), "UseImplicitSSL is refused: implicit FTPS is not served by this "
                                     "build; use explicit FTPS (AUTH TLS) on the usual port")};
            }
        }
    }
    if (const config::Directive* required = server.get("TLSRequired")) {
        const auto form = config::tls_values::parse_required(required->args.at(0));
        if (form && form->control == config::tls_values::Need::refused) {
            return Error{str_cat(at(*required), required->args.at(0), " is refused with TLSEngine on: this build "
                                 "does not refuse AUTH TLS; leave TLSEngine off to keep the control channel clear")};
        }
    }
    if (const config::Directive* nested = nested_required(server.context())) {
        return Error{str_cat(at(*nested), "inside <Directory> or <Anonymous> is refused with TLSEngine on: this "
                             "build applies the server's TLSRequired only; put it in the server's own context")};
    }
    return {};
}

Result<void> check_server(const config::Server& server, TlsFilesChecked& checked, std::set<std::string>& seen) {
    const config::Directive* engine = server.get("TLSEngine");
    if (engine == nullptr || !config::as_bool(*engine)) {
        return {};  // start-up loads no TLS file for this server
    }
    if (server.get("TLSRSACertificateFile") == nullptr && server.get("TLSECCertificateFile") == nullptr) {
        return Error{str_cat(at(*engine), "on, but the server has no certificate; name one with "
                             "TLSRSACertificateFile or TLSECCertificateFile (and its key file)")};
    }
    // The key process holds one key per server: a second certificate is refused, never silently unused.
    if (const config::Directive* ec = server.get("TLSECCertificateFile");
        ec != nullptr && server.get("TLSRSACertificateFile") != nullptr) {
        return Error{str_cat(at(*ec), "this build serves one certificate per server, and TLSRSACertificateFile "
                             "names one already; keep one of them")};
    }
    if (auto applied = check_applied(server); !applied) {
        return applied;
    }
    for (const auto& pair : kPairs) {
        if (auto ok = check_pair(server, pair, checked, seen); !ok) {
            return ok;
        }
    }
    if (auto ok = check_chain(server.get("TLSCertificateChainFile"), checked, seen); !ok) {
        return ok;
    }
    if (const config::Directive* ca = server.get("TLSCACertificateFile"); ca != nullptr && seen.insert(ca->args.at(0)).second) {
        auto read = read_ca(*ca, ca->args.at(0), checked);
        if (!read) {
            return std::move(read).error();
        }
        checked.certificates.push_back(str_cat(ca->name, " ", ca->args.at(0), " (", *read, " CA certificate(s))"));
    }
    if (const config::Directive* ca = server.get("TLSCACertificatePath"); ca != nullptr && seen.insert(ca->args.at(0)).second) {
        return check_ca_path(*ca, checked);
    }
    return {};
}

}  // namespace

Result<void> check_tls_files(const config::ServerSet& servers, TlsFilesChecked& checked) {
    std::set<std::string> seen;
    for (const auto& server : servers.servers()) {
        if (auto ok = check_server(server, checked, seen); !ok) {
            return ok;
        }
    }
    return {};
}

}  // namespace ward::master
