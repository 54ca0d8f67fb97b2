#include "daemon/cli.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ward::daemon {
namespace {

Result<CommandLine> parse(std::vector<const char*> args) { return parse_command_line(args); }

TEST(CommandLine, ProftpdFlags) {
    const auto cli = parse({"-n", "-c", "/etc/proftpd.conf", "-d", "5", "-D", "TLS", "-DDEBUG"});
    ASSERT_TRUE(cli) << cli.error().message;
    EXPECT_TRUE(cli->foreground);
    EXPECT_EQ(cli->config_file, "/etc/proftpd.conf");
    EXPECT_EQ(cli->debug_level, 5);
    EXPECT_EQ(cli->defines, (std::vector<std::string>{"TLS", "DEBUG"}));
}

TEST(CommandLine, BundledShortOptionsAndLongForms) {
    const auto cli = parse({"-tn", "--config=/x.toml", "-vv"});
    ASSERT_TRUE(cli) << cli.error().message;
    EXPECT_TRUE(cli->config_test);
    EXPECT_TRUE(cli->foreground);
    EXPECT_EQ(cli->config_file, "/x.toml");
    EXPECT_EQ(cli->version_level, 2);
}

TEST(CommandLine, PrintConfigFormat) {
    const auto cli = parse({"-c", "a.conf", "--print-config", "toml"});
    ASSERT_TRUE(cli);
    EXPECT_EQ(cli->print_config, "toml");
    const auto bad = parse({"--print-config", "yaml"});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "--print-config: format must be 'toml' or 'proftpd', not 'yaml'");
}

TEST(CommandLine, ErrorsNameTheOption) {
    EXPECT_EQ(parse({"-Z"}).error().message, "unknown option '-Z' (try --help)");
    EXPECT_EQ(parse({"--frobnicate"}).error().message, "unknown option '--frobnicate' (try --help)");
    EXPECT_EQ(parse({"-c"}).error().message, "option '-c' needs a value");
    EXPECT_EQ(parse({"-d", "11"}).error().message, "-d: debug level must be 0..10, not '11'");
    EXPECT_EQ(parse({"--nodaemon=yes"}).error().message, "option '--nodaemon' takes no value");
    EXPECT_EQ(parse({"stray"}).error().message, "unexpected argument 'stray' (try --help)");
}

}  // namespace
}  // namespace ward::daemon
