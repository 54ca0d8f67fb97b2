#pragma once
// Shared helpers for the config tests: parse text and return the model or the error text.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config/load.hpp"

namespace ward::config::testing {

inline Config parse_ok(std::string_view text, const LoadOptions& options = {}, std::string_view name = "t.conf") {
    auto parsed = parse_proftpd_text(text, name, options);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? std::string() : parsed.error().message);
    return parsed ? std::move(*parsed) : Config{};
}

inline std::string parse_error(std::string_view text, const LoadOptions& options = {},
                               std::string_view name = "t.conf") {
    auto parsed = parse_proftpd_text(text, name, options);
    EXPECT_FALSE(parsed.has_value()) << "parsed without an error";
    return parsed ? std::string() : parsed.error().message;
}

inline Config toml_ok(std::string_view text, const LoadOptions& options = {}, std::string_view name = "t.toml") {
    auto parsed = parse_toml_text(text, name, options);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? std::string() : parsed.error().message);
    return parsed ? std::move(*parsed) : Config{};
}

inline std::string toml_error(std::string_view text, const LoadOptions& options = {},
                              std::string_view name = "t.toml") {
    auto parsed = parse_toml_text(text, name, options);
    EXPECT_FALSE(parsed.has_value()) << "parsed without an error";
    return parsed ? std::string() : parsed.error().message;
}

}  // namespace ward::config::testing
