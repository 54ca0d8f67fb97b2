// minisign formats: files made by Debian's minisign 0.11 verify; every tampering is refused with its reason.
#include "modules/minisign.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ward::minisign {
namespace {

// Made with: minisign -G -W -p k.pub -s k.key; printf 'hi\n' > f; minisign -S -s k.key -m f;
// minisign -S -l -s k.key -m f -x f.legacy.minisig
constexpr std::string_view kMinisignPub =
    "untrusted comment: minisign public key E1C12BAABCC2A38E\n"
    "RWSOo8K8qivB4cE4KNnNCf37CRCKraYM05lE3byzqqxQ2vKKPfhfBbo0\n";
constexpr std::string_view kMinisignSig =
    "untrusted comment: signature from minisign secret key\n"
    "RUSOo8K8qivB4XjgcXEX0H/wwi5yOQRjsnSR+S1dp2Z0vbXRrkQ4THkthsyjza/sUlfvH8scSdrXQuaTlg3I+R0kZlI0+PFumgY=\n"
    "trusted comment: timestamp:1795438427\tfile:f\thashed\n"
    "sAM4ezNM/+6XwTvElGUOv5JzrQ1GnVLPkzvTM4ErhTIcirRmpXwdf1qD7PTRJkcaREc1OfRKaSFnRi3yUaz/AQ==\n";
constexpr std::string_view kMinisignLegacySig =
    "untrusted comment: signature from minisign secret key\n"
    "RWSOo8K8qivB4c8iPLqCq35oKfjH0gBSD4hVQB5hcYx/xj83vxQ5wdTZPBu91y4RXoiF12V/GMOYfNblRgugdf8FBd7hRnHsiQU=\n"
    "trusted comment: timestamp:1795438427\tfile:f\n"
    "xj0nVEQGIMi8r4dI2tTPh4OGTxwR0m1VjkDXRxRE/FEyzE5gHcFbvusuVb5NeGlbSzFhvJpCjy9lGfKBLZgXDQ==\n";

std::span<const unsigned char> bytes(std::string_view s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};  // NOLINT(*-reinterpret-cast)
}

class Minisign : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(init()); }
};

TEST_F(Minisign, SignatureFromDebianMinisignVerifies) {
    auto key = parse_public_key(kMinisignPub);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key_id_text(key->id), "E1C12BAABCC2A38E");
    auto sig = parse_signature(kMinisignSig);
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_EQ(sig->algorithm, Algorithm::prehashed);
    EXPECT_EQ(sig->trusted_comment, "timestamp:1795438427\tfile:f\thashed");
    const auto ok = verify(*sig, *key, bytes("hi\n"));
    EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
}

TEST_F(Minisign, LegacyEdSignatureFromMinisignVerifies) {
    auto key = parse_public_key(kMinisignPub);
    auto sig = parse_signature(kMinisignLegacySig);
    ASSERT_TRUE(key && sig);
    EXPECT_EQ(sig->algorithm, Algorithm::legacy);
    EXPECT_TRUE(verify(*sig, *key, bytes("hi\n")));
}

TEST_F(Minisign, FlippedByteIsRefused) {
    auto key = parse_public_key(kMinisignPub);
    auto sig = parse_signature(kMinisignSig);
    ASSERT_TRUE(key && sig);
    const auto bad = verify(*sig, *key, bytes("hj\n"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("signature does not match the file"), std::string::npos);
}

TEST_F(Minisign, ChangedTrustedCommentIsRefused) {
    auto key = parse_public_key(kMinisignPub);
    std::string text(kMinisignSig);
    text.replace(text.find("file:f"), 6, "file:g");
    auto sig = parse_signature(text);
    ASSERT_TRUE(key && sig);
    const auto bad = verify(*sig, *key, bytes("hi\n"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("trusted comment signature does not match"), std::string::npos);
}

TEST_F(Minisign, OtherKeyIdIsRefusedBeforeAnySignatureCheck) {
    auto sig = parse_signature(kMinisignSig);
    ASSERT_TRUE(sig);
    const SecretKey other = generate_key();
    const auto bad = verify(*sig, other.public_key(), bytes("hi\n"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("signed by key E1C12BAABCC2A38E, not by trusted key"), std::string::npos);
}

TEST_F(Minisign, OwnKeysSignAndVerifyAndRoundTripThroughText) {
    const SecretKey key = generate_key();
    auto parsed = parse_secret_key(format_secret_key(key));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->key, key.key);
    auto pub = parse_public_key(format_public_key(key.public_key()));
    ASSERT_TRUE(pub);
    auto sig = parse_signature(sign(*parsed, bytes("module bytes"), "file:mod_a.so module=mod_a.c", "test"));
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_TRUE(verify(*sig, *pub, bytes("module bytes")));
    EXPECT_FALSE(verify(*sig, *pub, bytes("module bytez")));
}

TEST_F(Minisign, MinisignUnencryptedSecretKeyIsAcceptedAndEncryptedOneExplained) {
    constexpr std::string_view kUnencrypted =
        "untrusted comment: minisign encrypted secret key\n"
        "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAjqPCvKorweHt6QhoMjy9XoKJyc3lmlLyj2mHz"
        "kfolwgXECfRqZQQQ8E4KNnNCf37CRCKraYM05lE3byzqqxQ2vKKPfhfBbo0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    auto key = parse_secret_key(kUnencrypted);
    ASSERT_TRUE(key) << key.error().message;
    auto pub = parse_public_key(kMinisignPub);
    ASSERT_TRUE(pub);
    EXPECT_EQ(key->public_key().key, pub->key);
    std::string encrypted(kUnencrypted);
    encrypted.replace(encrypted.find("RWQAAEIy"), 8, "RWRTY0Iy");  // kdf "Sc"
    const auto refused = parse_secret_key(encrypted);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("encrypted with a password"), std::string::npos);
}

TEST_F(Minisign, MalformedFilesAreRefusedWithTheirReason) {
    EXPECT_NE(parse_signature("untrusted comment: x\n").error().message.find("4 lines"), std::string::npos);
    EXPECT_NE(parse_public_key("untrusted comment: x\n!!!!\n").error().message.find("base64"), std::string::npos);
    EXPECT_NE(parse_public_key("comment: x\nRWSOo8K8qivB4cE4KNnNCf37CRCKraYM05lE3byzqqxQ2vKKPfhfBbo0\n").error().message.find(
                  "untrusted comment"),
              std::string::npos);
    std::string wrong_alg(kMinisignSig);
    wrong_alg.replace(wrong_alg.find("RUSO"), 4, "QUSO");  // "AE"
    EXPECT_NE(parse_signature(wrong_alg).error().message.find("unsupported signature algorithm"), std::string::npos);
    EXPECT_NE(parse_public_key(std::string(5000, 'A')).error().message.find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace ward::minisign
