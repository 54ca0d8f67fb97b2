#include "daemon/tls/certificate_file.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <memory>

#include "base/strings.hpp"

namespace ward::tls {
namespace {

struct BioFree {
    void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string time_text(const ASN1_TIME* when) {
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out || ASN1_TIME_print(out.get(), when) != 1) {
        return "?";
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string("?");
}

std::string subject_text(X509* certificate) {
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out || X509_NAME_print_ex(out.get(), X509_get_subject_name(certificate), 0, XN_FLAG_ONELINE) < 0) {
        return "?";
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string("(no subject)");
}

}  // namespace

Result<std::vector<CertPtr>> read_certificates(const std::string& path, std::string_view what) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        return Error{str_cat(what, " ", path, " cannot be read: ", openssl_error(),
                             "; check the path, and that root can read the file")};
    }
    std::vector<CertPtr> certificates;
    while (true) {
        CertPtr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!certificate) {
            break;
        }
        certificates.push_back(std::move(certificate));
    }
    ERR_clear_error();  // the end of the file reads as "no start line"
    if (certificates.empty()) {
        return Error{str_cat(what, " ", path,
                             " holds no PEM certificate; the file must be PEM (-----BEGIN CERTIFICATE-----)")};
    }
    return certificates;
}

Result<void> check_dates(X509* certificate, const std::string& path, std::string_view what) {
    if (X509_cmp_current_time(X509_get0_notAfter(certificate)) <= 0) {
        return Error{str_cat(what, " ", path, " has expired (", subject_text(certificate), ", valid until ",
                             time_text(X509_get0_notAfter(certificate)), ")")};
    }
    if (X509_cmp_current_time(X509_get0_notBefore(certificate)) >= 0) {
        return Error{str_cat(what, " ", path, " is not valid yet (", subject_text(certificate), ", valid from ",
                             time_text(X509_get0_notBefore(certificate)), ")")};
    }
    return {};
}

std::string describe(X509* certificate) {
    const EVP_PKEY* key = X509_get0_pubkey(certificate);
    const std::string type = key == nullptr ? std::string("no key")
                                            : str_cat(EVP_PKEY_get0_type_name(key), " ",
                                                      EVP_PKEY_get_bits(key), " bits");
    return str_cat(subject_text(certificate), ", ", type, ", valid until ",
                   time_text(X509_get0_notAfter(certificate)));
}

}  // namespace ward::tls
