// Fuzzes the TOML front end (config/toml_loader.cpp over tomlplusplus, builder.cpp): no exception escapes,
// and whatever it accepts converts to TOML and back to an equivalent model, converts to proftpd.conf and back,
// and builds a ServerSet that answers lookups (fuzz/proftpd_conf/config_fuzz_support.cpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/load.hpp"
#include "fuzz/proftpd_conf/config_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const ward::config::LoadOptions options = ward::config::fuzz::sandboxed_options();
    auto config = ward::config::parse_toml_text(text, "fuzz.toml", options);
    if (config) {
        ward::config::fuzz::check_accepted(*config, options);
    }
    return 0;
}
