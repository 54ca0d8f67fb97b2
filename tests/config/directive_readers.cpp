#include "tests/config/directive_readers.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

namespace ward::config {
namespace {

const char* const kReaderRoots[] = {"base", "config", "daemon", "exec", "modules", "sandbox"};
// The tables declare directives; they do not read them.
const char* const kTables[] = {"config/directives_core.cpp", "config/directives_modules.cpp",
                               "config/directives_compat.cpp", "config/directives_proxy.cpp", "config/directives_sql.cpp",
                               "config/registry.cpp"};

std::size_t line_of(const std::string& text, std::size_t offset) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

std::vector<SourceFile> reader_sources(const std::string& root) {
    namespace fs = std::filesystem;
    std::vector<SourceFile> out;
    for (const char* dir : kReaderRoots) {
        const fs::path base = fs::path(root) / dir;
        if (!fs::is_directory(base)) {
            continue;
        }
        for (const auto& entry : fs::recursive_directory_iterator(base)) {
            const auto ext = entry.path().extension();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".c")) {
                continue;
            }
            const std::string relative = fs::relative(entry.path(), root).string();
            if (std::find(std::begin(kTables), std::end(kTables), relative) != std::end(kTables)) {
                continue;
            }
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            out.push_back({relative, text.str()});
        }
    }
    std::sort(out.begin(), out.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return out;
}

std::set<std::string> names_read(const std::vector<SourceFile>& sources) {
    static const std::regex literal(R"re("([A-Za-z][A-Za-z0-9]*)")re");
    std::set<std::string> out;
    for (const auto& file : sources) {
        for (std::sregex_iterator it(file.text.begin(), file.text.end(), literal), end; it != end; ++it) {
            out.insert((*it)[1].str());
        }
    }
    return out;
}

std::vector<Lookup> lookups(const std::vector<SourceFile>& sources) {
    static const std::regex call(
        R"re(\b(?:find|find_all|get|get_all|get_for_path|get_all_for_path)\(\s*"([A-Z][A-Za-z0-9]*)"|\biequals\(\s*[A-Za-z_][A-Za-z0-9_]*(?:\.|->)name\s*,\s*"([A-Za-z0-9]*)")re");
    std::vector<Lookup> out;
    for (const auto& file : sources) {
        for (std::sregex_iterator it(file.text.begin(), file.text.end(), call), end; it != end; ++it) {
            const std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
            out.push_back({name, file.path + ":" + std::to_string(line_of(file.text, static_cast<std::size_t>(it->position())))});
        }
    }
    return out;
}

std::vector<std::string> readerless_directives(const std::vector<DirectiveSpec>& specs,
                                               const std::set<std::string>& read) {
    std::vector<std::string> out;
    for (const auto& spec : specs) {
        const std::string who = spec.name + " (" + spec.module + ")";
        if (spec.status == Status::implemented && read.count(spec.name) == 0) {
            out.push_back(who + ": marked implemented, but no source outside the tables reads it; write its reader, "
                                "or mark it no_effect (with why) or refused (with the reason)");
        }
        if (spec.status != Status::implemented && spec.note.empty()) {
            out.push_back(who + ": marked " + std::string(status_name(spec.status)) + " without a note saying why");
        }
    }
    return out;
}

}  // namespace ward::config
