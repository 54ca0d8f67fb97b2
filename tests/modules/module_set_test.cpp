// mod_dso's directives and control actions over the verified module set: ProFTPD's refusals and wording.
#include "modules/module_set.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/strings.hpp"
#include "helpers.hpp"
#include "wardftpd/module.h"

namespace ward::modules {
namespace {

using testing::ScratchTree;
using ::testing::Contains;
using ::testing::HasSubstr;

class ModuleSetTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(minisign::init());
        tree.mkdir("lib");
        tree.mkdir("keys");
        tree.write_key("keys/trusted.pub", key);
        for (const char* name : {"mod_a", "mod_b"}) {
            // The loader refuses an object without wardftpd's entry point (a ProFTPD module) before dlopen.
            tree.write(str_cat("lib/", name, ".so"), str_cat("bytes of ", name, " ", WARD_MODULE_ENTRY_SYMBOL));
            tree.sign(str_cat("lib/", name, ".so"), key, str_cat(name, ".c"));
        }
    }

    [[nodiscard]] std::string header() const {
        return str_cat("ModulePath ", tree.path("lib"), "\nModuleTrustedKey ", tree.path("keys/trusted.pub"), "\n");
    }

    [[nodiscard]] std::string refusal(const std::string& text) const {
        auto set = ModuleSet::from_config(testing::parse_config(text));
        EXPECT_FALSE(set) << "accepted:\n" << text;
        return set ? std::string() : set.error().message;
    }

    ScratchTree tree;
    minisign::SecretKey key = minisign::generate_key();
};

TEST_F(ModuleSetTest, LoadModuleVerifiesFromModulePath) {
    auto set = ModuleSet::from_config(testing::parse_config(header() + "LoadModule mod_a.c\nLoadModule mod_b.c\n"));
    ASSERT_TRUE(set) << set.error().message;
    ASSERT_EQ(set->modules().size(), 2U);
    EXPECT_EQ(set->modules()[0].module_name, "mod_a.c");
    EXPECT_EQ(set->modules()[0].path, tree.path("lib/mod_a.so"));
    EXPECT_EQ(set->fds().size(), 2U);
    EXPECT_THAT(set->lsmod(), Contains(str_cat("mod_a.c shared ", tree.path("lib/mod_a.so"), " signed-by ",
                                               minisign::key_id_text(key.id))));
}

TEST_F(ModuleSetTest, WorldWritableModulePathIsFatalWithProftpdWording) {
    tree.mkdir("open", 0777);
    const std::string why = refusal(str_cat("ModulePath ", tree.path("open"), "\n"));
    EXPECT_THAT(why, HasSubstr(str_cat("ModulePath ", tree.path("open"), ": ", tree.path("open"), " is world-writable")));
    EXPECT_THAT(why, HasSubstr("test.conf:1:"));
}

// As ProFTPD's set_loadmodule, which ignores EEXIST: loading a module twice, or loading a built-in, changes
// nothing (the parser accepts both as no-ops, and the set agrees).
TEST_F(ModuleSetTest, LoadingAModuleTwiceChangesNothing) {
    auto set = ModuleSet::from_config(testing::parse_config(header() + "LoadModule mod_a.c\nLoadModule mod_a.c\n"));
    ASSERT_TRUE(set) << set.error().message;
    ASSERT_EQ(set->modules().size(), 1U);
    EXPECT_EQ(set->modules()[0].module_name, "mod_a.c");
}

TEST_F(ModuleSetTest, SharedModuleCannotShadowABuiltIn) {
    tree.write("lib/mod_ls.so", "a replacement mod_ls");
    tree.sign("lib/mod_ls.so", key, "mod_ls.c");
    auto set = ModuleSet::from_config(testing::parse_config(header() + "LoadModule mod_ls.c\n"));
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_TRUE(set->modules().empty());  // the built-in module stays; the file is never loaded
    EXPECT_THAT(set->lsmod(), Contains("mod_ls.c built-in"));
}

// A module that cannot load here (not installed, or a ProFTPD module: unsigned, without wardftpd's entry point)
// is a warning at parse time, its <IfModule> sections are absent, and the set skips it.
TEST_F(ModuleSetTest, ProftpdModulesAndMissingModulesAreSkippedWithAWarning) {
    tree.write("lib/mod_ban.so", "an ELF object built against ProFTPD's main_server");
    EXPECT_THAT(unavailable_module("mod_ban.c", tree.path("lib")).value_or(""),
                HasSubstr("mod_ban.so is a ProFTPD module (ProFTPD's ABI, which wardftpd cannot load)"));
    EXPECT_THAT(unavailable_module("mod_nope.c", tree.path("lib")).value_or(""), HasSubstr("is not installed"));
    EXPECT_FALSE(unavailable_module("mod_a.c", tree.path("lib")));  // signed: verified by from_config
    config::LoadOptions options;
    options.load_module = parse_time_loader();
    options.module_unavailable = parse_time_unavailable();
    auto config = config::parse_proftpd_text(
        header() + "LoadModule mod_ban.c\nLoadModule mod_a.c\n<IfModule mod_ban.c>\n  BanEngine on\n</IfModule>\n",
        "test.conf", options);
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_EQ(config->warnings.size(), 2U);
    EXPECT_THAT(config->warnings[0], HasSubstr("test.conf:3:1: LoadModule mod_ban.c: "));
    EXPECT_THAT(config->warnings[0], HasSubstr("not loaded, and its <IfModule> sections count as absent"));
    EXPECT_EQ(config->warnings[1], "test.conf:6:1: SECURITY: 'BanEngine on' is skipped because <IfModule mod_ban.c> "
                                   "does not hold here: mod_ban's bans are not enforced; MaxLoginAttempts and "
                                   "MaxConnectionRate apply");
    auto set = ModuleSet::from_config(*config);
    ASSERT_TRUE(set) << set.error().message;
    ASSERT_EQ(set->modules().size(), 1U);
    EXPECT_EQ(set->modules()[0].module_name, "mod_a.c");
}

TEST_F(ModuleSetTest, RefusedModuleFailsTheWholeConfiguration) {
    tree.write("lib/mod_c.so", "unsigned, with the entry point ward_module_entry");
    const std::string why = refusal(header() + "LoadModule mod_a.c\nLoadModule mod_c.c\n");
    EXPECT_THAT(why, HasSubstr(str_cat("LoadModule mod_c.c: ", tree.path("lib/mod_c.so"), ": unsigned")));
}

TEST_F(ModuleSetTest, SignatureRequiredNeedsATrustedKey) {
    const std::string why = refusal(str_cat("ModulePath ", tree.path("lib"), "\nLoadModule mod_a.c\n"));
    EXPECT_THAT(why, HasSubstr("which is not a ModuleTrustedKey"));
}

TEST_F(ModuleSetTest, InsmodVerifiesAndRefusesBadNamesAndDoubleLoads) {
    auto set = ModuleSet::from_config(testing::parse_config(header() + "LoadModule mod_a.c\n"));
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_THAT(set->insmod("../evil.c").error().message, HasSubstr("Bad module name"));
    EXPECT_THAT(set->insmod("mod_a.c").error().message, HasSubstr("Already loaded: mod_a.c"));
    EXPECT_THAT(set->insmod("mod_ls.c").error().message, HasSubstr("Already loaded: mod_ls.c is built in"));
    auto added = set->insmod("mod_b.c");
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(set->modules().size(), 2U);
    tree.write("lib/mod_c.so", "unsigned");
    EXPECT_THAT(set->insmod("mod_c.c").error().message, HasSubstr(tree.path("lib/mod_c.so") + ": unsigned"));
}

TEST_F(ModuleSetTest, RmmodOfABuiltInDisablesItsCommandsUntilInsmod) {
    auto set = ModuleSet::from_config(testing::parse_config(header() + "LoadModule mod_a.c\n"));
    ASSERT_TRUE(set);
    EXPECT_THAT(set->rmmod("mod_core.c").error().message, HasSubstr("mod_core.c is required"));
    ASSERT_TRUE(set->rmmod("mod_site.c"));
    EXPECT_THAT(set->disabled_commands(), Contains("SITE"));
    EXPECT_THAT(set->lsmod(), Contains("mod_site.c built-in (disabled)"));
    EXPECT_THAT(set->rmmod("mod_site.c").error().message, HasSubstr("already removed"));
    ASSERT_TRUE(set->insmod("mod_site.c"));
    EXPECT_TRUE(set->disabled_commands().empty());
    ASSERT_TRUE(set->rmmod("mod_a.c"));
    EXPECT_TRUE(set->modules().empty());
    EXPECT_THAT(set->rmmod("mod_a.c").error().message, HasSubstr("mod_a.c is not loaded"));
}

TEST_F(ModuleSetTest, ModuleOrderDisablesUnlistedBuiltInsAndOrdersModules) {
    std::string order = "ModuleOrder";
    for (const char* name : {"mod_core.c", "mod_auth_unix.c", "mod_auth_file.c", "mod_auth_pam.c", "mod_auth.c", "mod_log.c",
                             "mod_ctrls.c", "mod_cap.c", "mod_exec.c", "mod_dso.c", "mod_proxy_protocol.c", "mod_sql.c",
                             "mod_sql_passwd.c", "mod_sql_sqlite.c", "mod_sql_postgres.c", "mod_prometheus.c", "mod_b.c",
                             "mod_a.c"}) {
        order += str_cat(" ", name);
    }
    auto set = ModuleSet::from_config(
        testing::parse_config(order + "\n" + header() + "LoadModule mod_a.c\nLoadModule mod_b.c\n"));
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->modules()[0].module_name, "mod_b.c");
    EXPECT_THAT(set->disabled_commands(), Contains("RETR"));
    EXPECT_THAT(set->disabled_commands(), Contains("SITE"));
    const std::string why = refusal("ModuleOrder mod_xfer.c\n" + header());
    EXPECT_THAT(why, HasSubstr("ModuleOrder must list the required module mod_core.c"));
}

}  // namespace
}  // namespace ward::modules
