// Each refusal of verify_object names the file and the reason; the verified bytes are what gets loaded.
#include "modules/verifier.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "helpers.hpp"
#include "wardftpd/module.h"

namespace ward::modules {
namespace {

using testing::ScratchTree;
using ::testing::HasSubstr;

class Verifier : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(minisign::init());
        tree.mkdir("lib");
        tree.write("lib/mod_a.so", "pretend ELF bytes of mod_a");
        options.trusted_keys.push_back(key.public_key());
        options.owners = default_owners();
    }

    [[nodiscard]] std::string refusal(const std::string& relative, const std::string& module = "mod_a.c") const {
        auto result = verify_object(tree.path(relative), module, options);
        EXPECT_FALSE(result) << relative << " was accepted";
        return result ? std::string() : result.error().message;
    }

    ScratchTree tree;
    minisign::SecretKey key = minisign::generate_key();
    VerifyOptions options;
};

TEST_F(Verifier, SignedModuleIsAcceptedIntoASealedMemfd) {
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    auto verified = verify_object(tree.path("lib/mod_a.so"), "mod_a.c", options);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->signer, minisign::key_id_text(key.id));
    const int seals = ::fcntl(verified->memfd.get(), F_GET_SEALS);
    EXPECT_EQ(seals, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
    EXPECT_EQ(::pwrite(verified->memfd.get(), "x", 1, 0), -1);
    EXPECT_EQ(errno, EPERM);
}

TEST_F(Verifier, UnsignedModuleIsRefused) {
    const std::string why = refusal("lib/mod_a.so");
    EXPECT_THAT(why, HasSubstr(tree.path("lib/mod_a.so") + ": unsigned"));
    EXPECT_THAT(why, HasSubstr("ModuleSignatureRequired is on"));
}

TEST_F(Verifier, UnsignedModuleLoadsWhenSignaturesAreNotRequired) {
    options.signature_required = false;
    auto verified = verify_object(tree.path("lib/mod_a.so"), "mod_a.c", options);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_TRUE(verified->signer.empty());
}

TEST_F(Verifier, SignatureFromAnUntrustedKeyIsRefused) {
    const auto stranger = minisign::generate_key();
    tree.sign("lib/mod_a.so", stranger, "mod_a.c");
    const std::string why = refusal("lib/mod_a.so");
    EXPECT_THAT(why, HasSubstr(tree.path("lib/mod_a.so")));
    EXPECT_THAT(why, HasSubstr(str_cat("signed by key ", minisign::key_id_text(stranger.id),
                                       ", which is not a ModuleTrustedKey")));
}

TEST_F(Verifier, OneFlippedByteAfterSigningIsRefused) {
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    std::string bytes = tree.read("lib/mod_a.so");
    bytes[3] = static_cast<char>(bytes[3] ^ 0x01);
    tree.write("lib/mod_a.so", bytes);
    const std::string why = refusal("lib/mod_a.so");
    EXPECT_THAT(why, HasSubstr(tree.path("lib/mod_a.so") + ": signature does not match the file"));
}

TEST_F(Verifier, SignatureOfAnotherModuleIsRefused) {
    tree.sign("lib/mod_a.so", key, "mod_b.c");
    EXPECT_THAT(refusal("lib/mod_a.so"), HasSubstr("the signature is for module 'mod_b.c', not 'mod_a.c'"));
    tree.write("lib/mod_c.so", tree.read("lib/mod_a.so"));
    tree.write("lib/mod_c.so.minisig", tree.read("lib/mod_a.so.minisig"));
    EXPECT_THAT(refusal("lib/mod_c.so", "mod_b.c"), HasSubstr("the signature is for file 'mod_a.so', not 'mod_c.so'"));
}

TEST_F(Verifier, GroupWritableParentDirectoryIsRefused) {
    tree.mkdir("shared", 0775);
    tree.mkdir("shared/lib");
    tree.write("shared/lib/mod_a.so", "bytes");
    tree.sign("shared/lib/mod_a.so", key, "mod_a.c");
    EXPECT_THAT(refusal("shared/lib/mod_a.so"), HasSubstr(tree.path("shared") + ": directory is group-writable"));
}

TEST_F(Verifier, GroupWritableModuleFileIsRefused) {
    tree.write("lib/mod_a.so", "bytes", 0664);
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    EXPECT_THAT(refusal("lib/mod_a.so"), HasSubstr(tree.path("lib/mod_a.so") + ": is group- or world-writable"));
}

TEST_F(Verifier, ModuleOwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "chown to another uid needs root";
    }
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    ASSERT_EQ(::chown(tree.path("lib/mod_a.so").c_str(), 65534, 65534), 0);
    EXPECT_THAT(refusal("lib/mod_a.so"), HasSubstr(tree.path("lib/mod_a.so") + ": is owned by uid 65534, not by uid 0"));
}

TEST_F(Verifier, DirectoryOwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "chown to another uid needs root";
    }
    tree.mkdir("theirs");
    tree.write("theirs/mod_a.so", "bytes");
    tree.sign("theirs/mod_a.so", key, "mod_a.c");
    ASSERT_EQ(::chown(tree.path("theirs").c_str(), 65534, 65534), 0);
    EXPECT_THAT(refusal("theirs/mod_a.so"), HasSubstr(tree.path("theirs") + ": directory is owned by uid 65534"));
}

TEST_F(Verifier, SymlinkedModuleIsRefused) {
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    ASSERT_EQ(::symlink("mod_a.so", tree.path("lib/mod_b.so").c_str()), 0);
    tree.write("lib/mod_b.so.minisig", tree.read("lib/mod_a.so.minisig"));
    EXPECT_THAT(refusal("lib/mod_b.so", "mod_b.c"), HasSubstr(tree.path("lib/mod_b.so") + ": is a symbolic link (refused)"));
}

TEST_F(Verifier, SymlinkedDirectoryOnTheWayIsRefused) {
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    ASSERT_EQ(::symlink("lib", tree.path("link").c_str()), 0);
    EXPECT_THAT(refusal("link/mod_a.so"), HasSubstr(tree.path("link") + ": is a symbolic link or not a directory"));
}

TEST_F(Verifier, ReplacingTheFileAfterTheCheckDoesNotChangeWhatIsLoaded) {
    tree.sign("lib/mod_a.so", key, "mod_a.c");
    auto verified = verify_object(tree.path("lib/mod_a.so"), "mod_a.c", options);
    ASSERT_TRUE(verified) << verified.error().message;
    // An attacker (or an upgrade) swaps the file between the check and the load.
    tree.write("lib/swap.so", "evil replacement bytes");
    ASSERT_EQ(::rename(tree.path("lib/swap.so").c_str(), tree.path("lib/mod_a.so").c_str()), 0);
    auto loaded = sys::read_file(str_cat("/proc/self/fd/", verified->memfd.get()), kMaxModuleBytes);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(*loaded, "pretend ELF bytes of mod_a");
}

TEST_F(Verifier, RealModuleLoadsFromTheMemfdAfterTheFileIsReplaced) {
    auto original = sys::read_file(WARD_TEST_MODULE, kMaxModuleBytes);
    ASSERT_TRUE(original) << original.error().message;
    tree.write("lib/mod_site_misc.so", *original);
    tree.sign("lib/mod_site_misc.so", key, "mod_site_misc.c");
    auto verified = verify_object(tree.path("lib/mod_site_misc.so"), "mod_site_misc.c", options);
    ASSERT_TRUE(verified) << verified.error().message;
    tree.write("lib/mod_site_misc.so", "not an ELF file any more");
    void* handle = ::dlopen(str_cat("/proc/self/fd/", verified->memfd.get()).c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << ::dlerror();
    auto entry = reinterpret_cast<ward_module_entry_fn>(::dlsym(handle, WARD_MODULE_ENTRY_SYMBOL));  // NOLINT
    ASSERT_NE(entry, nullptr);
    EXPECT_STREQ(entry()->name, "mod_site_misc.c");
    EXPECT_EQ(entry()->abi_version, WARD_MODULE_ABI_VERSION);
    ::dlclose(handle);
}

TEST_F(Verifier, TrustedKeyFileIsCheckedLikeAModule) {
    tree.write_key("lib/key.pub", key);
    EXPECT_TRUE(load_trusted_key(tree.path("lib/key.pub"), options.owners));
    tree.write_key("lib/open.pub", key);
    ASSERT_EQ(::chmod(tree.path("lib/open.pub").c_str(), 0666), 0);
    auto refused = load_trusted_key(tree.path("lib/open.pub"), options.owners);
    ASSERT_FALSE(refused);
    EXPECT_THAT(refused.error().message, HasSubstr(tree.path("lib/open.pub") + ": is group- or world-writable"));
}

}  // namespace
}  // namespace ward::modules
