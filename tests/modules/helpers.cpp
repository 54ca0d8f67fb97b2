#include "helpers.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/strings.hpp"
#include "config/load.hpp"
#include "modules/module_set.hpp"

namespace ward::modules::testing {

ScratchTree::ScratchTree() {
    std::string pattern = "/tmp/wardmod.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp failed";
    }
    root_ = pattern;
    (void)::chmod(root_.c_str(), 0755);
}

ScratchTree::~ScratchTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
}

std::string ScratchTree::path(std::string_view relative) const { return str_cat(root_, "/", relative); }

void ScratchTree::mkdir(std::string_view relative, unsigned mode) const {
    const std::string p = path(relative);
    ASSERT_EQ(::mkdir(p.c_str(), 0700), 0) << p;
    ASSERT_EQ(::chmod(p.c_str(), mode), 0) << p;
}

void ScratchTree::write(std::string_view relative, std::string_view contents, unsigned mode) const {
    const std::string p = path(relative);
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << contents;
    }
    ASSERT_EQ(::chmod(p.c_str(), mode), 0) << p;
}

std::string ScratchTree::read(std::string_view relative) const {
    std::ifstream in(path(relative), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void ScratchTree::sign(std::string_view relative, const minisign::SecretKey& key, std::string_view module_name) const {
    const std::string contents = read(relative);
    const auto slash = relative.rfind('/');
    const std::string_view file = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
    std::string trusted = str_cat("timestamp:1\tfile:", file, "\thashed");
    if (!module_name.empty()) {
        trusted += str_cat("\tmodule=", module_name);
    }
    const std::span<const unsigned char> bytes(reinterpret_cast<const unsigned char*>(contents.data()),  // NOLINT
                                               contents.size());
    write(str_cat(relative, ".minisig"), minisign::sign(key, bytes, trusted, "test"));
}

void ScratchTree::write_key(std::string_view relative, const minisign::SecretKey& key) const {
    write(relative, minisign::format_public_key(key.public_key()));
}

config::Config parse_config(std::string_view text) {
    config::LoadOptions options;
    options.load_module = parse_time_loader();
    auto parsed = config::parse_proftpd_text(text, "test.conf", options);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
    return parsed ? std::move(*parsed) : config::Config{};
}

}  // namespace ward::modules::testing
