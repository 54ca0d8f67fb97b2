#pragma once
// The two front ends, feeding one ConfigBuilder, and Include, which either may use.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "config/builder.hpp"

namespace ward::config {

[[nodiscard]] Result<void> parse_proftpd_into(ConfigBuilder& builder, std::string_view text, const std::string& name);
[[nodiscard]] Result<void> parse_toml_into(ConfigBuilder& builder, std::string_view text, const std::string& name);
// Include PATTERN at the current point: every file it names, in order, each read by the front end its name
// asks for (".toml" -> TOML, otherwise proftpd.conf).
[[nodiscard]] Result<void> include_files(ConfigBuilder& builder, const Token& pattern);
// Parses text (already bounded) as the front end its name asks for.
[[nodiscard]] Result<void> parse_any_into(ConfigBuilder& builder, std::string_view text, const std::string& name);

}  // namespace ward::config
