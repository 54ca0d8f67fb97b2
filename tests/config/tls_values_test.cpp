// mod_tls directive values with ProFTPD's meaning.
#include "config/tls_values.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ward::config::tls_values {
namespace {

Result<Protocols> protocols(std::vector<std::string> words) { return parse_protocols(words); }

TEST(TlsProtocol, ListsPlusAndMinusAndTheDefault) {
    EXPECT_EQ(Protocols{}.set, tls1_2 | tls1_3);
    EXPECT_EQ(protocols_text(Protocols{}.set), "TLSv1.2 TLSv1.3");
    auto p = protocols({"TLSv1.2", "TLSv1.3"});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->set, tls1_2 | tls1_3);
    EXPECT_TRUE(p->warnings.empty());
    p = protocols({"ALL", "-SSLv3", "-TLSv1", "-TLSv1.1"});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(protocols_text(p->set), "TLSv1.2 TLSv1.3");
    p = protocols({"tlsv1.3"});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->set, tls1_3);
}

TEST(TlsProtocol, OldProtocolsAreWarnedAboutAndNothingUsableIsAnError) {
    // Debian's stock tls.conf has "TLSProtocol TLSv1.1 TLSv1.2" (older copies "SSLv23").
    auto p = protocols({"TLSv1.1", "TLSv1.2"});
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->warnings.size(), 1U);
    EXPECT_NE(p->warnings[0].find("TLSv1 and TLSv1.1"), std::string::npos);
    p = protocols({"SSLv23"});
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->warnings.size(), 2U);
    p = protocols({"TLSv1", "TLSv1.1"});
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message, "no protocol OpenSSL 3 negotiates is left (TLSv1.2 or TLSv1.3 is needed)");
    p = protocols({"TLSv1.4"});
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().message,
              "unknown protocol 'TLSv1.4' (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, SSLv23 or ALL)");
    EXPECT_FALSE(protocols({"-TLSv1", "TLSv1.2"}).has_value());
}

TEST(TlsRequired, EveryProFtpdForm) {
    struct Case {
        const char* word;
        Required want;
    };
    const std::vector<Case> cases = {
        {"on", {Need::required, true, Need::required}},
        {"off", {}},
        {"ctrl", {Need::required, true, Need::optional}},
        {"data", {Need::optional, false, Need::required}},
        {"auth", {Need::optional, true, Need::optional}},
        {"auth+data", {Need::optional, true, Need::required}},
        {"auth+!data", {Need::optional, true, Need::refused}},
        {"ctrl+!data", {Need::required, true, Need::refused}},
        {"!data", {Need::optional, false, Need::refused}},
        {"!ctrl", {Need::refused, false, Need::optional}},
        {"ON", {Need::required, true, Need::required}},
    };
    for (const auto& c : cases) {
        auto got = parse_required(c.word);
        ASSERT_TRUE(got.has_value()) << c.word;
        EXPECT_TRUE(*got == c.want) << c.word;
    }
    auto bad = parse_required("ctrl+auth");
    ASSERT_FALSE(bad.has_value());
    EXPECT_TRUE(bad.error().message.starts_with("'ctrl+auth' is not a TLSRequired value")) << bad.error().message;
}

TEST(TlsOptions, EveryOptionHasAStatusAndTheOnesWithoutEffectSayWhy) {
    EXPECT_EQ(find_option("nosessionreuserequired")->status, OptionStatus::implemented);
    EXPECT_EQ(find_option("UseImplicitSSL")->status, OptionStatus::implemented);
    // A client-certificate check that is not made would fail open: refused, not ignored.
    EXPECT_EQ(find_option("dNSNameRequired")->status, OptionStatus::refused);
    for (const auto& option : known_options()) {
        EXPECT_EQ(option.status == OptionStatus::implemented, option.why.empty()) << option.name;
    }
    auto unknown = find_option("NoSuchOption");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().message, "unknown TLSOptions option 'NoSuchOption'");
}

TEST(TlsVerifyClient, OnOffOptional) {
    EXPECT_EQ(*parse_verify_client("on"), VerifyClient::on);
    EXPECT_EQ(*parse_verify_client("off"), VerifyClient::off);
    EXPECT_EQ(*parse_verify_client("optional"), VerifyClient::optional);
    EXPECT_FALSE(parse_verify_client("maybe").has_value());
}

}  // namespace
}  // namespace ward::config::tls_values
