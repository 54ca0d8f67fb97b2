#pragma once
// Who reads each directive, found in the daemon's own sources (see directive_readers_test.cpp).
#include <set>
#include <string>
#include <vector>

#include "config/registry.hpp"

namespace ward::config {

struct SourceFile {
    std::string path;  // relative to the source tree
    std::string text;
};

struct Lookup {
    std::string name;
    std::string where;  // "path:line"
};

// The daemon's sources (base, config, daemon, exec, modules, sandbox), without the directive tables themselves.
[[nodiscard]] std::vector<SourceFile> reader_sources(const std::string& root);
// Every string literal of the sources that is a registered directive's canonical name.
[[nodiscard]] std::set<std::string> names_read(const std::vector<SourceFile>& sources);
// Every name a lookup asks for: find/find_all/get/get_all/get_for_path/get_all_for_path("Name") and
// iequals(x.name, "Name").
[[nodiscard]] std::vector<Lookup> lookups(const std::vector<SourceFile>& sources);
// "Name (module): ..." for each spec marked implemented that nothing in `read` names, and each spec marked
// no_effect/refused/pending without a note saying why.
[[nodiscard]] std::vector<std::string> readerless_directives(const std::vector<DirectiveSpec>& specs,
                                                             const std::set<std::string>& read);

}  // namespace ward::config
