#include "config/model.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace ward::config {

std::string to_string(const Location& where) {
    // No position inside the file (it could not be read, or the TOML library gave none): the file alone, never
    // a "file:0:0" an admin would look for.
    if (where.line == 0) {
        return where.file;
    }
    if (where.column == 0) {
        return str_cat(where.file, ":", where.line);
    }
    return str_cat(where.file, ":", where.line, ":", where.column);
}

std::string_view context_name(ContextKind kind) noexcept {
    switch (kind) {
        case ContextKind::server:
            return "server config";
        case ContextKind::global:
            return "Global";
        case ContextKind::virtual_host:
            return "VirtualHost";
        case ContextKind::anonymous:
            return "Anonymous";
        case ContextKind::directory:
            return "Directory";
        case ContextKind::limit:
            return "Limit";
        case ContextKind::connection_class:
            return "Class";
    }
    return "?";
}

const Directive* Context::find(std::string_view name) const {
    for (const auto& d : directives) {
        if (iequals(d.name, name)) {
            return &d;
        }
    }
    return nullptr;
}

std::vector<const Directive*> Context::find_all(std::string_view name) const {
    std::vector<const Directive*> out;
    for (const auto& d : directives) {
        if (iequals(d.name, name)) {
            out.push_back(&d);
        }
    }
    return out;
}

namespace {

// Stable order by name keeps source order among directives of one name.
std::vector<const Directive*> by_name(const Context& c) {
    std::vector<const Directive*> out;
    out.reserve(c.directives.size());
    for (const auto& d : c.directives) {
        out.push_back(&d);
    }
    std::stable_sort(out.begin(), out.end(), [](const Directive* x, const Directive* y) {
        return to_lower(x->name) < to_lower(y->name);
    });
    return out;
}

}  // namespace

bool equivalent(const Context& a, const Context& b) {
    if (a.kind != b.kind || a.args != b.args || a.directives.size() != b.directives.size() ||
        a.children.size() != b.children.size()) {
        return false;
    }
    const auto da = by_name(a);
    const auto db = by_name(b);
    for (std::size_t i = 0; i < da.size(); ++i) {
        if (!iequals(da[i]->name, db[i]->name) || da[i]->args != db[i]->args) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.children.size(); ++i) {
        if (!equivalent(a.children[i], b.children[i])) {
            return false;
        }
    }
    return true;
}

bool equivalent(const Config& a, const Config& b) { return equivalent(a.root, b.root); }

}  // namespace ward::config
