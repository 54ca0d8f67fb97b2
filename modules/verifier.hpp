#pragma once
// Verifying one shared object before any byte of it can run: trusted_file.hpp's owner and mode checks on
// the opened descriptor, then its minisign signature (mod_x.so.minisig beside it) against the trusted keys,
// then the exact bytes that were verified go into a sealed memfd. Nothing re-opens the path afterwards:
// the worker loads the memfd, so replacing the file after the check changes nothing.
#include <cstddef>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "modules/minisign.hpp"
#include "modules/trusted_file.hpp"

namespace ward::modules {

constexpr std::size_t kMaxModuleBytes = std::size_t{32} << 20U;

struct VerifyOptions {
    TrustedOwners owners;
    std::vector<minisign::PublicKey> trusted_keys;
    bool signature_required = true;  // ModuleSignatureRequired
};

struct VerifiedObject {
    std::string path;
    std::string module_name;  // "mod_x.c"; empty for a LoadFile library
    UniqueFd memfd;           // sealed: F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
    std::size_t size = 0;
    std::string signer;       // key id text, empty when unsigned (ModuleSignatureRequired off)
};

// module_name: the LoadModule name the signature's trusted comment must agree with ("module=mod_x.c"),
// or empty for LoadFile. A trusted comment's "file:NAME" (minisign's default) must name this file.
[[nodiscard]] Result<VerifiedObject> verify_object(const std::string& path, const std::string& module_name,
                                                   const VerifyOptions& options);

// The trusted comment check alone (tests, wardctl verify).
[[nodiscard]] Result<void> check_binding(const std::string& trusted_comment, const std::string& file_name,
                                         const std::string& module_name);

// A read-only copy of `bytes` no one can change any more.
[[nodiscard]] Result<UniqueFd> sealed_memfd(const std::string& name, const std::string& bytes);

// A trusted key file (ModuleTrustedKey): owner and mode checked like a module.
[[nodiscard]] Result<minisign::PublicKey> load_trusted_key(const std::string& path, const TrustedOwners& owners);

}  // namespace ward::modules
