// The built-in modules are described by the same table a shared module exports, in `wardftpd -l` order.
#include "modules/builtin.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string_view>

#include "config/registry.hpp"

namespace ward::modules {
namespace {

bool lists_directive(const ward_module& table, std::string_view name) {
    for (std::size_t i = 0; i < table.directive_count; ++i) {
        if (name == table.directives[i].name) {
            return true;
        }
    }
    return false;
}

TEST(BuiltinModules, TablesFollowTheRegistryOrderAndCarryTheirDirectives) {
    const auto names = config::builtin_modules();
    const auto tables = builtin_modules();
    ASSERT_EQ(names.size(), tables.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(names[i], tables[i].table->name);
        EXPECT_EQ(tables[i].table->abi_version, WARD_MODULE_ABI_VERSION);
    }
    EXPECT_TRUE(lists_directive(*find_builtin("mod_dso.c")->table, "LoadModule"));
    EXPECT_TRUE(lists_directive(*find_builtin("mod_dso.c")->table, "ModuleTrustedKey"));
    EXPECT_TRUE(lists_directive(*find_builtin("mod_cap.c")->table, "CapabilitiesSet"));
    EXPECT_FALSE(lists_directive(*find_builtin("mod_cap.c")->table, "LoadModule"));
}

TEST(BuiltinModules, ModSiteListsItsSiteCommandsImplementedByTheCore) {
    const ward_module& site = *find_builtin("mod_site.c")->table;
    ASSERT_EQ(site.site_command_count, 2U);
    EXPECT_STREQ(site.site_commands[0].name, "CHMOD");
    EXPECT_EQ(site.site_commands[0].handle, nullptr);
    EXPECT_FALSE(find_builtin("mod_site.c")->required);
    EXPECT_TRUE(find_builtin("mod_core.c")->required);
    EXPECT_EQ(find_builtin("mod_x.c"), nullptr);
}

}  // namespace
}  // namespace ward::modules
