#include "base/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace ward {
namespace {

Result<int> half(int n) {
    if (n % 2 != 0) {
        return Error{"odd number"};
    }
    return n / 2;
}

TEST(Result, CarriesValueOrError) {
    const auto good = half(8);
    ASSERT_TRUE(good);
    EXPECT_EQ(*good, 4);
    const auto bad = half(3);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "odd number");
}

TEST(Result, MovesOnlyValues) {
    Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
    ASSERT_TRUE(r);
    const std::unique_ptr<int> taken = std::move(r).value();
    EXPECT_EQ(*taken, 7);
}

TEST(Result, VoidDefaultsToSuccess) {
    const Result<void> ok;
    EXPECT_TRUE(ok);
    const Result<void> failed(Error{"no"});
    EXPECT_FALSE(failed);
    EXPECT_EQ(failed.error().message, "no");
}

}  // namespace
}  // namespace ward
