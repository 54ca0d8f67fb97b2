// Include and file loading: the filesystem resolver (globs, directories, sorted as ProFTPD sorts them),
// cycle and depth checks through the builder, and the choice of front end by file name.
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <span>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/frontends.hpp"

namespace ward::config {
namespace {

bool has_glob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

std::string canonical(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
    return resolved ? std::string(resolved.get()) : path;
}

bool is_regular(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// glob(3)'s result, freed once.
class GlobMatches {
public:
    GlobMatches() = default;
    GlobMatches(const GlobMatches&) = delete;
    GlobMatches& operator=(const GlobMatches&) = delete;
    ~GlobMatches() { ::globfree(&matches_); }
    [[nodiscard]] glob_t* get() noexcept { return &matches_; }
    [[nodiscard]] const glob_t* operator->() const noexcept { return &matches_; }

private:
    glob_t matches_{};
};

Result<std::vector<std::string>> expand(const std::string& pattern) {
    GlobMatches matches;
    const int rc = ::glob(pattern.c_str(), 0, nullptr, matches.get());
    if (rc == GLOB_NOMATCH) {
        return std::vector<std::string>{};
    }
    if (rc != 0) {
        return Error{str_cat("cannot expand '", pattern, "'")};
    }
    std::vector<std::string> out;
    for (const char* name : std::span<char*>(matches->gl_pathv, matches->gl_pathc)) {
        out.emplace_back(name);
    }
    return out;
}

}  // namespace

Result<std::vector<IncludedFile>> resolve_include_from_filesystem(std::string_view pattern, const Limits& limits) {
    std::string base(pattern);
    std::vector<std::string> names;
    if (has_glob(base)) {
        auto expanded = expand(base);
        if (!expanded) {
            return std::move(expanded).error();
        }
        names = std::move(*expanded);
    } else if (is_directory(base)) {
        while (base.size() > 1 && base.ends_with('/')) {
            base.pop_back();
        }
        auto expanded = expand(str_cat(base, "/*"));
        if (!expanded) {
            return std::move(expanded).error();
        }
        names = std::move(*expanded);
    } else {
        names.push_back(base);
    }
    std::sort(names.begin(), names.end());
    std::vector<IncludedFile> out;
    for (const auto& name : names) {
        if (names.size() > 1 && !is_regular(name)) {
            continue;  // ProFTPD skips what it cannot parse inside an included directory
        }
        auto text = sys::read_file(name, limits.max_file_bytes);
        if (!text) {
            return std::move(text).error();
        }
        out.push_back(IncludedFile{canonical(name), std::move(*text)});
    }
    return out;
}

Result<void> parse_any_into(ConfigBuilder& builder, std::string_view text, const std::string& name) {
    if (name.ends_with(".toml")) {
        return parse_toml_into(builder, text, name);
    }
    return parse_proftpd_into(builder, text, name);
}

Result<void> include_files(ConfigBuilder& builder, const Token& pattern) {
    if (!pattern.text.starts_with('/')) {
        return error_at(pattern.where, str_cat("Include: '", pattern.text, "' must be an absolute path"));
    }
    const auto& resolver = builder.options().include;
    auto files = resolver ? resolver(pattern.text, builder.options().limits)
                          : resolve_include_from_filesystem(pattern.text, builder.options().limits);
    if (!files) {
        return error_at(pattern.where, str_cat("Include ", pattern.text, ": ", files.error().message));
    }
    for (const auto& file : *files) {
        if (auto entered = builder.enter_file(file.path, file.text.size(), pattern.where); !entered) {
            return entered;
        }
        if (auto parsed = parse_any_into(builder, file.text, file.path); !parsed) {
            return parsed;
        }
        builder.leave_file();
    }
    return {};
}

Result<Config> load_file(const std::string& path, const LoadOptions& options) {
    auto text = sys::read_file(path, options.limits.max_file_bytes);
    if (!text) {
        return Error{str_cat(path, ": ", text.error().message)};  // the file itself: no line to name
    }
    ConfigBuilder builder(path, options);
    if (auto entered = builder.enter_file(canonical(path), text->size(), Location{path, 1, 1}); !entered) {
        return std::move(entered).error();
    }
    if (auto parsed = parse_any_into(builder, *text, path); !parsed) {
        return std::move(parsed).error();
    }
    return builder.finish();
}

}  // namespace ward::config
