// The directive registry: built-in modules, owners, foreign directives, and modules loaded during one parse.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/registry.hpp"
#include "config/validators.hpp"
#include "tests/config/helpers.hpp"

namespace ward::config {
namespace {

TEST(Registry, BuiltInModulesInLoadOrder) {
    const auto modules = builtin_modules();
    ASSERT_EQ(modules.size(), 24U);
    EXPECT_EQ(modules.front(), "mod_core.c");
    EXPECT_EQ(modules.back(), "mod_prometheus.c");
    EXPECT_TRUE(is_builtin_module("mod_rlimit.c"));
    EXPECT_TRUE(is_builtin_module("mod_delay.c"));
    EXPECT_TRUE(is_builtin_module("mod_exec.c"));
    EXPECT_TRUE(is_builtin_module("mod_exec"));
    EXPECT_TRUE(is_builtin_module("mod_tls.c"));
    EXPECT_TRUE(is_builtin_module("mod_auth_pam.c"));
    EXPECT_TRUE(is_builtin_module("mod_sql_sqlite.c"));
    EXPECT_TRUE(is_builtin_module("mod_sql_postgres.c"));
    EXPECT_FALSE(is_builtin_module("mod_sftp.c"));
}

TEST(Registry, EveryBuiltInDirectiveBelongsToABuiltInModule) {
    for (const auto& spec : builtin_directives()) {
        EXPECT_TRUE(is_builtin_module(spec.module)) << spec.name << " " << spec.module;
        EXPECT_FALSE(spec.syntax.empty()) << spec.name;
        EXPECT_LE(spec.min_args, spec.max_args) << spec.name;
    }
}

TEST(Registry, DirectivesBelongToTheirRealProftpdModules) {
    const Registry registry;
    EXPECT_EQ(registry.find("AuthUserFile")->module, "mod_auth_file.c");
    EXPECT_EQ(registry.find("controlsengine")->module, "mod_ctrls.c");
    EXPECT_EQ(registry.find("ExecOnCommand")->module, "mod_exec.c");
    EXPECT_EQ(registry.find("CapabilitiesSet")->module, "mod_cap.c");
    EXPECT_EQ(registry.find("LoadModule")->module, "mod_dso.c");
    EXPECT_EQ(registry.find("ModuleTrustedKey")->module, "mod_dso.c");
}

TEST(Registry, AllThirteenExecDirectivesAndExecSandboxAreKnown) {
    const Registry registry;
    for (const char* name : {"ExecBeforeCommand", "ExecEnable", "ExecEngine", "ExecEnviron", "ExecLog", "ExecOnCommand",
                             "ExecOnConnect", "ExecOnError", "ExecOnEvent", "ExecOnExit", "ExecOnRestart",
                             "ExecOptions", "ExecTimeout", "ExecSandbox"}) {
        ASSERT_NE(registry.find(name), nullptr) << name;
        EXPECT_EQ(registry.find(name)->module, "mod_exec.c") << name;
    }
}

TEST(Registry, ForeignDirectivesKnowTheirModules) {
    EXPECT_EQ(foreign_module_for("SFTPEngine"), "mod_sftp.c");
    EXPECT_EQ(foreign_module_for("TLSEngine"), std::nullopt);  // mod_tls is built in
    EXPECT_FALSE(foreign_module_for("sqlconnectinfo"));         // mod_sql is built in
    EXPECT_EQ(foreign_module_for("LDAPServer"), "mod_ldap.c");
    EXPECT_EQ(foreign_module_for("QuotaEngine"), "mod_quotatab.c");
    EXPECT_EQ(foreign_module_for("Ratios"), "mod_ratio.c");
    EXPECT_EQ(foreign_module_for("RewriteEngine"), "mod_rewrite.c");
    EXPECT_EQ(foreign_module_for("BanEngine"), "mod_ban.c");
    EXPECT_FALSE(foreign_module_for("DelayEngine"));  // mod_delay is listed: its directives are registered
    EXPECT_EQ(foreign_module_for("TCPAccessFiles"), "mod_wrap.c");
    EXPECT_EQ(foreign_module_for("SFTPEngine"), "mod_sftp.c");
    EXPECT_EQ(foreign_module_for("IfUser"), "mod_ifsession.c");
    EXPECT_EQ(foreign_module_for("RadiusEngine"), "mod_radius.c");
    EXPECT_FALSE(foreign_module_for("Port"));
}

TEST(Registry, ClosestNameIgnoresCase) {
    const Registry registry;
    EXPECT_EQ(registry.closest("execoncomand"), "ExecOnCommand");
    EXPECT_EQ(registry.closest("AllowOverwite"), "AllowOverwrite");
    EXPECT_EQ(registry.closest("Qwertyuiop"), "");
}

LoadOptions quota_loader(int* calls) {
    LoadOptions options;
    options.load_module = [calls](const Directive& d) -> Result<std::vector<DirectiveSpec>> {
        ++*calls;
        if (d.args[0] != "mod_quotatab.c") {
            return Error{"no such module"};
        }
        return std::vector<DirectiveSpec>{DirectiveSpec{"QuotaEngine", "", contexts::servers, 1, 1, false,
                                                        check::each(check::boolean_check()), "QuotaEngine on|off"}};
    };
    return options;
}

TEST(Registry, LoadModuleRegistersTheModulesDirectivesForTheRestOfTheParse) {
    int calls = 0;
    const auto c = testing::parse_ok("<IfModule mod_quotatab.c>\n  Nonsense here\n</IfModule>\nLoadModule mod_quotatab.c\n"
                                     "<IfModule mod_quotatab.c>\n  QuotaEngine on\n</IfModule>\n",
                                     quota_loader(&calls));
    EXPECT_EQ(calls, 1);
    ASSERT_NE(c.root.find("QuotaEngine"), nullptr);
}

TEST(Registry, ALoadedModulesDirectivesAreValidatedLikeBuiltIns) {
    int calls = 0;
    EXPECT_EQ(testing::parse_error("LoadModule mod_quotatab.c\nQuotaEngine perhaps\n", quota_loader(&calls)),
              "t.conf:2:13: QuotaEngine: expected on or off, not 'perhaps'");
}

TEST(Registry, ModulesLoadedInOneParseAreNotSeenByTheNext) {
    int calls = 0;
    testing::parse_ok("LoadModule mod_quotatab.c\nQuotaEngine on\n", quota_loader(&calls));
    EXPECT_EQ(testing::parse_error("QuotaEngine on\n"),
              "t.conf:1:1: QuotaEngine belongs to mod_quotatab.c, which wardftpd does not have; put it inside "
              "<IfModule mod_quotatab.c>");
}

TEST(Registry, LoadModuleOfABuiltInModuleIsANoOpAsInProftpd) {
    int calls = 0;
    const auto c = testing::parse_ok("LoadModule mod_exec.c\nLoadModule mod_exec.c\n", quota_loader(&calls));
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(c.root.find_all("LoadModule").size(), 2U);
}

TEST(Registry, LoadingTheSameModuleTwiceLoadsItOnce) {
    int calls = 0;
    testing::parse_ok("LoadModule mod_quotatab.c\nLoadModule mod_quotatab.c\n", quota_loader(&calls));
    EXPECT_EQ(calls, 1);
}

TEST(Registry, AModuleMayNotRedefineAKnownDirective) {
    LoadOptions options;
    options.load_module = [](const Directive&) -> Result<std::vector<DirectiveSpec>> {
        return std::vector<DirectiveSpec>{DirectiveSpec{"port", "", contexts::servers, 1, 1, false, {}, "Port n"}};
    };
    EXPECT_EQ(testing::parse_error("LoadModule mod_evil.c\n", options),
              "t.conf:1:1: LoadModule: module mod_evil.c declares port, which mod_core.c already provides");
}

TEST(Registry, LoadFileGoesThroughTheLoader) {
    std::string seen;
    LoadOptions options;
    options.load_module = [&seen](const Directive& d) -> Result<std::vector<DirectiveSpec>> {
        seen = d.name + " " + d.args[0];
        return std::vector<DirectiveSpec>{};
    };
    testing::parse_ok("LoadFile /usr/lib/libfoo.so\n", options);
    EXPECT_EQ(seen, "LoadFile /usr/lib/libfoo.so");
    EXPECT_EQ(testing::parse_error("LoadFile /usr/lib/libfoo.so\n"),
              "t.conf:1:1: LoadFile: cannot load '/usr/lib/libfoo.so': no module loader is available here");
}

}  // namespace
}  // namespace ward::config
