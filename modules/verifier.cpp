#include "modules/verifier.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <span>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::modules {
namespace {

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::span<const unsigned char> as_bytes(const std::string& s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};  // NOLINT(*-reinterpret-cast)
}

// The trusted comment's words: minisign separates its own with tabs, we accept spaces too.
std::vector<std::string_view> comment_words(std::string_view comment) {
    std::vector<std::string_view> words;
    for (const auto field : split(comment, '\t')) {
        for (const auto word : split_words(field)) {
            words.push_back(word);
        }
    }
    return words;
}

Result<std::string> verify_signature(const TrustedFile& file, const std::string& module_name,
                                     const VerifyOptions& options) {
    const std::string sig_name = base_name(file.path) + ".minisig";
    const std::string sig_path = file.path + ".minisig";
    bool found = false;
    auto text = read_companion(file.dir.get(), sig_name, sig_path, minisign::kMaxFileBytes, found);
    if (!text) {
        return std::move(text).error();
    }
    if (!found) {
        if (options.signature_required) {
            return Error{str_cat(file.path, ": unsigned: ", sig_path,
                                 " does not exist and ModuleSignatureRequired is on (refused)")};
        }
        log::warning(file.path, ": loading an unsigned module because ModuleSignatureRequired is off");
        return std::string();
    }
    auto sig = minisign::parse_signature(*text);
    if (!sig) {
        return Error{str_cat(sig_path, ": ", sig.error().message, " (refused)")};
    }
    const minisign::PublicKey* key = nullptr;
    for (const auto& trusted : options.trusted_keys) {
        if (trusted.id == sig->key_id) {
            key = &trusted;
        }
    }
    if (key == nullptr) {
        return Error{str_cat(file.path, ": signed by key ", minisign::key_id_text(sig->key_id),
                             ", which is not a ModuleTrustedKey (refused)")};
    }
    if (auto ok = minisign::verify(*sig, *key, as_bytes(file.contents)); !ok) {
        return Error{str_cat(file.path, ": ", ok.error().message, " (refused)")};
    }
    if (auto ok = check_binding(sig->trusted_comment, base_name(file.path), module_name); !ok) {
        return Error{str_cat(file.path, ": ", ok.error().message, " (refused)")};
    }
    return minisign::key_id_text(key->id);
}

}  // namespace

Result<void> check_binding(const std::string& trusted_comment, const std::string& file_name,
                           const std::string& module_name) {
    for (const auto word : comment_words(trusted_comment)) {
        if (word.starts_with("file:") && word.substr(5) != file_name) {
            return Error{str_cat("the signature is for file '", word.substr(5), "', not '", file_name, "'")};
        }
        if (word.starts_with("module=") && word.substr(7) != module_name) {
            return Error{str_cat("the signature is for module '", word.substr(7), "', not '",
                                 module_name.empty() ? std::string("a LoadFile library") : module_name, "'")};
        }
    }
    return {};
}

Result<UniqueFd> sealed_memfd(const std::string& name, const std::string& bytes) {
    UniqueFd fd(::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd) {
        return sys::errno_error(str_cat("memfd_create ", name));
    }
    if (auto written = sys::write_all(fd.get(), bytes); !written) {
        return std::move(written).error();
    }
    constexpr int kSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
    if (::fcntl(fd.get(), F_ADD_SEALS, kSeals) != 0) {
        return sys::errno_error(str_cat("sealing the memfd for ", name));
    }
    return fd;
}

Result<VerifiedObject> verify_object(const std::string& path, const std::string& module_name,
                                     const VerifyOptions& options) {
    auto file = read_trusted_file(path, options.owners, kMaxModuleBytes);
    if (!file) {
        return std::move(file).error();
    }
    auto signer = verify_signature(*file, module_name, options);
    if (!signer) {
        return std::move(signer).error();
    }
    auto memfd = sealed_memfd(base_name(path), file->contents);
    if (!memfd) {
        return Error{str_cat(path, ": ", memfd.error().message)};
    }
    VerifiedObject object;
    object.path = path;
    object.module_name = module_name;
    object.memfd = std::move(*memfd);
    object.size = file->contents.size();
    object.signer = std::move(*signer);
    return object;
}

Result<minisign::PublicKey> load_trusted_key(const std::string& path, const TrustedOwners& owners) {
    auto file = read_trusted_file(path, owners, minisign::kMaxFileBytes);
    if (!file) {
        return std::move(file).error();
    }
    auto key = minisign::parse_public_key(file->contents);
    if (!key) {
        return Error{str_cat(path, ": ", key.error().message)};
    }
    return key;
}

}  // namespace ward::modules
