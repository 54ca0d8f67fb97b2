#pragma once
// A scratch tree for module tests: a root-owned (or own-uid) directory under /tmp with modules, keys and
// signatures written into it, and a config parsed the way the daemon parses it.
#include <string>
#include <string_view>

#include "config/model.hpp"
#include "modules/minisign.hpp"

namespace ward::modules::testing {

class ScratchTree {
public:
    ScratchTree();
    ScratchTree(const ScratchTree&) = delete;
    ScratchTree& operator=(const ScratchTree&) = delete;
    ~ScratchTree();

    [[nodiscard]] const std::string& root() const noexcept { return root_; }
    [[nodiscard]] std::string path(std::string_view relative) const;
    void mkdir(std::string_view relative, unsigned mode = 0755) const;
    void write(std::string_view relative, std::string_view contents, unsigned mode = 0644) const;
    [[nodiscard]] std::string read(std::string_view relative) const;
    // Writes <relative>.minisig signed by `key`, bound to the file name (and module_name when given).
    void sign(std::string_view relative, const minisign::SecretKey& key, std::string_view module_name = {}) const;
    // Writes the public half as <relative>.
    void write_key(std::string_view relative, const minisign::SecretKey& key) const;

private:
    std::string root_;
};

// Parses proftpd.conf text with the daemon's LoadModule hook; the test fails when it does not parse.
[[nodiscard]] config::Config parse_config(std::string_view text);

}  // namespace ward::modules::testing
