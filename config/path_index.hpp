#pragma once
// Finds the <Directory> sections that match a real path without scanning them all: sections with a plain
// absolute path sit in a hash table and are found by walking the path's ancestors; only globs and sections
// relative to a home or an <Anonymous> root are tried one by one. Matching follows ProFTPD's
// recur_match_path: "<Directory /a>" covers /a and everything below it, "<Directory /a/*>" only what is below,
// and '*' matches across '/' (no FNM_PATHNAME).
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/model.hpp"

namespace ward::config {

struct DirSection {
    const Context* context = nullptr;
    enum class Base : std::uint8_t { absolute, home, anon_root } base = Base::absolute;
    std::string pattern;  // absolute, or relative to the base (without a leading '/')
    std::size_t order = 0;  // source order, the last tie-breaker
};

struct DirMatch {
    const DirSection* section = nullptr;
    bool exact = false;
    std::size_t length = 0;  // of the resolved pattern
    bool glob = false;
};

class PathIndex {
public:
    void add(DirSection section);
    // Every section matching path, most specific first (exact, then longest pattern, then plain before glob,
    // then source order). home and anon_root resolve the relative bases; an empty base matches nothing.
    [[nodiscard]] std::vector<DirMatch> match(std::string_view path, std::string_view home,
                                              std::string_view anon_root) const;
    [[nodiscard]] bool empty() const noexcept { return sections_.empty(); }

private:
    std::vector<DirSection> sections_;
    std::unordered_map<std::string, std::vector<std::size_t>> plain_;  // normalised absolute path -> sections_
    std::vector<std::size_t> others_;                                   // globs and relative bases
};

// "/a/b/" -> "/a/b"; "/" stays.
[[nodiscard]] std::string normalise_path(std::string_view path);
// ProFTPD's per-section test, for one resolved pattern.
[[nodiscard]] bool directory_matches(std::string_view pattern, std::string_view path, bool& exact);

}  // namespace ward::config
