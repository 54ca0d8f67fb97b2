// The PAM helper's answer: one bounded, typed message; anything else is refused by the decoder.
#include "daemon/monitor/pam_answer.hpp"

#include <gtest/gtest.h>

#include "daemon/ipc/wire.hpp"

namespace ward::monitor {
namespace {

TEST(PamAnswer, RoundTripsEveryResult) {
    for (std::uint8_t r = 0; r <= kLastPamResult; ++r) {
        const PamAnswer answer{static_cast<PamResult>(r), "pam_acct_mgmt: User account has expired"};
        EXPECT_EQ(decode_pam_answer(encode_pam_answer(answer)), answer);
    }
}

TEST(PamAnswer, TheDetailIsCutToItsBound) {
    const auto decoded = decode_pam_answer(encode_pam_answer({PamResult::ok, std::string(1000, 'x')}));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->detail.size(), kMaxPamDetail);
}

TEST(PamAnswer, GarbageWrongTypesTrailingBytesAndUnknownResultsAreRefused) {
    const std::string good = encode_pam_answer({PamResult::ok, "x"});
    EXPECT_FALSE(decode_pam_answer(""));
    EXPECT_FALSE(decode_pam_answer("garbage that is not a message"));
    EXPECT_FALSE(decode_pam_answer(good.substr(0, good.size() - 1)));
    std::string wrong_type = good;
    wrong_type[1] = 1;  // auth_request
    EXPECT_FALSE(decode_pam_answer(wrong_type));
    ipc::MessageWriter trailing(122);
    trailing.u8(0);
    trailing.bytes("x");
    trailing.u8(0);
    EXPECT_FALSE(decode_pam_answer(std::move(trailing).finish()));
    ipc::MessageWriter unknown(122);
    unknown.u8(kLastPamResult + 1);
    unknown.bytes("");
    EXPECT_FALSE(decode_pam_answer(std::move(unknown).finish()));
    ipc::MessageWriter oversized(122);
    oversized.u8(0);
    oversized.bytes(std::string(kMaxPamDetail + 1, 'x'));
    EXPECT_FALSE(decode_pam_answer(std::move(oversized).finish()));
}

}  // namespace
}  // namespace ward::monitor
