#include "config/path_index.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "base/strings.hpp"

namespace ward::config {
namespace {

bool has_glob(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

std::string join(std::string_view base, std::string_view rest) {
    std::string out = normalise_path(base);
    if (rest.empty()) {
        return out;
    }
    if (!out.ends_with('/')) {
        out += '/';
    }
    out += rest;
    return out;
}

}  // namespace

std::string normalise_path(std::string_view path) {
    std::string out(path);
    while (out.size() > 1 && out.ends_with('/')) {
        out.pop_back();
    }
    return out;
}

bool directory_matches(std::string_view pattern, std::string_view path, bool& exact) {
    exact = false;
    if (pattern == path) {
        exact = true;
        return true;
    }
    std::string suffixed;
    if (pattern.size() >= 2 && pattern.ends_with("/*")) {
        suffixed = std::string(pattern);
    } else {
        const std::string trimmed = normalise_path(pattern);
        if (trimmed == path) {
            exact = true;
            return true;
        }
        suffixed = trimmed == "/" ? std::string("/*") : str_cat(trimmed, "/*");
    }
    const std::string subject(path);
    if (::fnmatch(suffixed.c_str(), subject.c_str(), 0) == 0) {
        return true;
    }
    return has_glob(pattern) && ::fnmatch(std::string(pattern).c_str(), subject.c_str(), 0) == 0;
}

void PathIndex::add(DirSection section) {
    const std::size_t id = sections_.size();
    const bool plain = section.base == DirSection::Base::absolute && !has_glob(section.pattern);
    if (plain) {
        section.pattern = normalise_path(section.pattern);
        plain_[section.pattern].push_back(id);
    } else {
        others_.push_back(id);
    }
    sections_.push_back(std::move(section));
}

std::vector<DirMatch> PathIndex::match(std::string_view raw_path, std::string_view home,
                                       std::string_view anon_root) const {
    std::vector<DirMatch> out;
    const std::string path = normalise_path(raw_path);
    if (path.empty() || path.front() != '/') {
        return out;
    }
    // Plain sections: the path itself and each ancestor.
    std::string_view probe = path;
    while (true) {
        if (const auto it = plain_.find(std::string(probe)); it != plain_.end()) {
            for (const auto id : it->second) {
                out.push_back(DirMatch{&sections_[id], probe.size() == path.size(), probe.size(), false});
            }
        }
        if (probe == "/") {
            break;
        }
        const auto slash = probe.rfind('/');
        probe = slash == 0 ? std::string_view("/") : probe.substr(0, slash);
    }
    for (const auto id : others_) {
        const DirSection& s = sections_[id];
        std::string resolved;
        switch (s.base) {
            case DirSection::Base::absolute:
                resolved = s.pattern;
                break;
            case DirSection::Base::home:
                if (home.empty()) {
                    continue;
                }
                resolved = join(home, s.pattern);
                break;
            case DirSection::Base::anon_root:
                if (anon_root.empty()) {
                    continue;
                }
                resolved = join(anon_root, s.pattern);
                break;
        }
        bool exact = false;
        if (directory_matches(resolved, path, exact)) {
            out.push_back(DirMatch{&s, exact, normalise_path(resolved).size(), has_glob(resolved)});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const DirMatch& a, const DirMatch& b) {
        if (a.exact != b.exact) {
            return a.exact;
        }
        if (a.length != b.length) {
            return a.length > b.length;
        }
        if (a.glob != b.glob) {
            return !a.glob;
        }
        return a.section->order < b.section->order;
    });
    return out;
}

}  // namespace ward::config
