// The registry knows who reads each directive. The readers are the daemon's sources: a directive is read where
// its canonical name is written as a string literal outside the tables, and a lookup (find, get, ...,
// iequals(x.name, ...)) may only ask for a name the registry has. So:
// - a registered directive that no source reads and that is not marked no_effect or refused fails here;
// - a reader that asks for a name the registry does not know (a typo, a directive renamed or dropped) fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/config/directive_readers.hpp"
#include "config/registry.hpp"

namespace ward::config {
namespace {

TEST(DirectiveReaders, EveryImplementedDirectiveHasAReader) {
    const auto sources = reader_sources(WARD_SOURCE_DIR);
    ASSERT_GT(sources.size(), 20U) << "the source tree was not found at " << WARD_SOURCE_DIR;
    const auto read = names_read(sources);
    for (const auto& problem : readerless_directives(builtin_directives(), read)) {
        ADD_FAILURE() << problem;
    }
}

TEST(DirectiveReaders, EveryLookupNamesARegisteredDirective) {
    const auto sources = reader_sources(WARD_SOURCE_DIR);
    const Registry registry;
    for (const auto& lookup : lookups(sources)) {
        const DirectiveSpec* spec = registry.find(lookup.name);
        EXPECT_TRUE(spec != nullptr && spec->name == lookup.name)
            << lookup.where << ": looks up '" << lookup.name << "', which the registry does not have"
            << (spec != nullptr ? " in this spelling (it is " + spec->name + ")" : std::string());
    }
}

// The check bites: a directive marked implemented that nothing reads is reported, and so is a lookup of a name
// the registry does not know.
TEST(DirectiveReaders, TheChecksBite) {
    std::vector<DirectiveSpec> specs = builtin_directives();
    specs.push_back(DirectiveSpec{"NobodyReadsMe", "mod_core.c", contexts::servers, 1, 1, false, {}, "NobodyReadsMe x"});
    const std::vector<SourceFile> sources = {
        {"daemon/fake.cpp", "auto* d = server.get(\"Port\"); auto* e = server.get(\"Prot\");"}};
    const auto problems = readerless_directives(specs, names_read(sources));
    EXPECT_NE(std::find_if(problems.begin(), problems.end(),
                           [](const std::string& p) { return p.starts_with("NobodyReadsMe"); }),
              problems.end());
    const auto found = lookups(sources);
    ASSERT_EQ(found.size(), 2U);
    EXPECT_EQ(found[1].name, "Prot");
    EXPECT_EQ(found[1].where, "daemon/fake.cpp:1");
    EXPECT_EQ(Registry().find("Prot"), nullptr);
}

}  // namespace
}  // namespace ward::config
