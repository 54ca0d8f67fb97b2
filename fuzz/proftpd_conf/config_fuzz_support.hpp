#pragma once
// Shared by the two config harnesses (fuzz/toml_config builds this file too): options that never touch the real filesystem or environment, and the
// properties every accepted configuration must have.
#include "config/load.hpp"

namespace ward::config::fuzz {

// Include resolves only /fuzz/inc.conf (a fixed text) and /fuzz/self.conf (which includes itself), %{env:NAME}
// is "v" for every name but UNSET, and LoadModule mod_fuzz.c adds the directive FuzzValue.
[[nodiscard]] LoadOptions sandboxed_options();
// Aborts unless the configuration converts to TOML and back to an equivalent model, converts to proftpd.conf
// and back (when no value holds a literal "%{env:", which proftpd.conf would expand again), and survives
// ServerSet::build and a few lookups.
void check_accepted(const Config& config, const LoadOptions& options);

}  // namespace ward::config::fuzz
