// Every bound has a named limit and an error naming file:line.
#include <gtest/gtest.h>

#include "config/limits.hpp"
#include "config/load.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

using testing::parse_error;

TEST(ConfigBounds, DefaultsAreTheNamedConstants) {
    const Limits limits;
    EXPECT_EQ(limits.max_file_bytes, std::size_t{8} << 20);
    EXPECT_EQ(limits.max_line_bytes, std::size_t{64} << 10);
    EXPECT_EQ(limits.max_nesting_depth, 32U);
    EXPECT_EQ(limits.max_include_depth, 16U);
    EXPECT_EQ(limits.max_directives, 100'000U);
    EXPECT_EQ(limits.max_args, 256U);
}

TEST(ConfigBounds, FileLargerThanTheLimit) {
    LoadOptions options;
    options.limits.max_file_bytes = 16;
    EXPECT_EQ(parse_error("ServerName \"a long enough name\"\n", options),
              "t.conf:1:1: t.conf is larger than the limit of 16 bytes");
}

TEST(ConfigBounds, LineLongerThanTheLimitCountsContinuations) {
    LoadOptions options;
    options.limits.max_line_bytes = 20;
    EXPECT_EQ(parse_error("Port 21\nServerName \\\n  abcdefghijkl\n", options),
              "t.conf:2:1: line longer than the limit of 20 bytes");
}

TEST(ConfigBounds, NestingDeeperThanTheLimit) {
    LoadOptions options;
    options.limits.max_nesting_depth = 2;
    EXPECT_EQ(parse_error("<IfModule mod_exec.c>\n<Directory /a>\n<Limit READ>\n</Limit>\n</Directory>\n</IfModule>\n",
                          options),
              "t.conf:3:1: sections nested too deeply (the limit is 2 levels)");
}

TEST(ConfigBounds, SkippedConditionalsCountTowardNesting) {
    LoadOptions options;
    options.limits.max_nesting_depth = 2;
    EXPECT_EQ(parse_error("<IfModule mod_a.c>\n<IfModule mod_b.c>\n<IfModule mod_c.c>\n</IfModule>\n</IfModule>\n"
                          "</IfModule>\n",
                          options),
              "t.conf:3:1: sections nested too deeply (the limit is 2 levels)");
}

TEST(ConfigBounds, TooManyDirectives) {
    LoadOptions options;
    options.limits.max_directives = 3;
    EXPECT_EQ(parse_error("Port 21\nUser ftp\nGroup ftp\nUmask 022\n", options),
              "t.conf:4:1: too many directives (the limit is 3)");
}

TEST(ConfigBounds, TooManyArguments) {
    LoadOptions options;
    options.limits.max_args = 3;
    EXPECT_EQ(parse_error("Trace a:1 b:1 c:1 d:1 e:1\n", options), "t.conf:1:19: too many arguments (the limit is 3)");
}

TEST(ConfigBounds, IncludeDeeperThanTheLimit) {
    LoadOptions options;
    options.limits.max_include_depth = 3;
    options.include = [](std::string_view pattern, const Limits&) -> Result<std::vector<IncludedFile>> {
        // /inc/N includes /inc/N+1, forever.
        const auto n = std::stoi(std::string(pattern.substr(5)));
        return std::vector<IncludedFile>{
            {std::string(pattern), "Include /inc/" + std::to_string(n + 1) + "\n"}};
    };
    EXPECT_EQ(parse_error("Include /inc/1\n", options), "/inc/3:1:9: Include nested too deeply (the limit is 3 levels)");
}

TEST(ConfigBounds, TotalSizeOfAllIncludedFiles) {
    LoadOptions options;
    options.limits.max_total_bytes = 40;
    options.include = [](std::string_view, const Limits&) -> Result<std::vector<IncludedFile>> {
        return std::vector<IncludedFile>{{"/a.conf", "ServerName \"twenty-five bytes\"\n"}};
    };
    EXPECT_EQ(parse_error("Include /a.conf\n", options),
              "t.conf:1:9: the configuration and its includes are larger than the limit of 40 bytes");
}

}  // namespace
}  // namespace ward::config
