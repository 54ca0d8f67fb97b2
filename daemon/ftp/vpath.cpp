#include "daemon/ftp/vpath.hpp"

namespace ward::ftp {
namespace {

// Appends the components of `path` to `out` (a normalized virtual path), applying "." and "..".
void apply_components(std::string& out, std::string_view path) {
    std::size_t pos = 0;
    while (pos < path.size()) {
        const auto slash = path.find('/', pos);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        const std::string_view part = path.substr(pos, end - pos);
        pos = end + 1;
        if (part.empty() || part == ".") {
            continue;
        }
        if (part == "..") {
            out.resize(virtual_parent(out).size());  // "/a/b" -> "/a", "/a" -> "/", "/" stays
            continue;
        }
        if (out.back() != '/') {
            out += '/';
        }
        out.append(part);
    }
}

}  // namespace

std::string resolve_virtual(std::string_view cwd, std::string_view client_path, std::string_view home) {
    std::string out = "/";
    if (client_path == "~" || client_path.starts_with("~/")) {
        apply_components(out, home);
        apply_components(out, client_path.substr(1));
        return out;
    }
    if (!client_path.starts_with('/')) {
        apply_components(out, cwd);
    }
    apply_components(out, client_path);
    return out;
}

bool is_normalized_virtual(std::string_view path) noexcept {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    if (path == "/") {
        return true;
    }
    if (path.back() == '/') {
        return false;
    }
    std::size_t pos = 1;
    while (pos <= path.size()) {
        auto end = path.find('/', pos);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        const std::string_view part = path.substr(pos, end - pos);
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
        pos = end + 1;
    }
    return true;
}

std::string relative_to_root(std::string_view vpath) {
    const auto first = vpath.find_first_not_of('/');
    return first == std::string_view::npos ? std::string(".") : std::string(vpath.substr(first));
}

std::string_view virtual_parent(std::string_view vpath) noexcept {
    const auto slash = vpath.rfind('/');
    if (slash == std::string_view::npos || slash == 0) {
        return "/";
    }
    return vpath.substr(0, slash);
}

std::string_view virtual_basename(std::string_view vpath) noexcept {
    const auto slash = vpath.rfind('/');
    return slash == std::string_view::npos ? vpath : vpath.substr(slash + 1);
}

std::string real_path(std::string_view root, std::string_view vpath) {
    std::string out(root);
    while (!out.empty() && out.back() == '/') {
        out.pop_back();
    }
    if (vpath == "/") {
        return out.empty() ? std::string("/") : out;
    }
    out.append(vpath);
    return out;
}

std::string quote_for_257(std::string_view path) {
    std::string out;
    out.reserve(path.size() + 2);
    for (const char c : path) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out;
}

}  // namespace ward::ftp
