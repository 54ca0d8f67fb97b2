// to_toml: the model as TOML in the mapping config/README.md documents. Every directive of a context is written
// before its sections (TOML keys after a [table] header belong to that table); repeated directives become an
// array of argument arrays; sections are arrays of tables named by their path from the root.
#include <algorithm>
#include <charconv>
#include <cstdint>

#include "base/strings.hpp"
#include "config/load.hpp"
#include "config/registry.hpp"

namespace ward::config {
namespace {

std::string quote(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    constexpr std::string_view kHex = "0123456789ABCDEF";
                    out += "\\u00";
                    out += kHex[c >> 4U];
                    out += kHex[c & 0xFU];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

bool canonical_integer(std::string_view text) {
    if (text.empty() || text.size() > 18 || (text.size() > 1 && text.front() == '0')) {
        return false;
    }
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size() && value >= 0;
}

std::string scalar(std::string_view arg) {
    if (arg == "on") {
        return "true";
    }
    if (arg == "off") {
        return "false";
    }
    if (canonical_integer(arg)) {
        return std::string(arg);
    }
    return quote(arg);
}

std::string array(const std::vector<std::string>& args) {
    std::string out = "[";
    for (std::size_t i = 0; i < args.size(); ++i) {
        out += i == 0 ? "" : ", ";
        out += scalar(args[i]);
    }
    out += "]";
    return out;
}

bool bare_key(std::string_view key) {
    if (key.empty()) {
        return false;
    }
    for (const char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

class TomlWriter {
public:
    std::string run(const Config& config) {
        out_ = str_cat("# wardftpd configuration (TOML), converted from ", escape_for_log(config.source), "\n");
        write_directives(config.root);
        write_children(config.root, "");
        return std::move(out_);
    }

private:
    std::string value_of(const Directive& d) const {
        if (d.args.empty()) {
            const auto* spec = registry_.find(d.name);
            return spec != nullptr && spec->max_args == 0 ? std::string("true") : std::string("[]");
        }
        if (d.args.size() == 1) {
            return scalar(d.args.front());
        }
        return array(d.args);
    }

    void write_directives(const Context& c) {
        std::vector<std::string> done;
        for (const auto& d : c.directives) {
            const std::string lower = to_lower(d.name);
            if (std::find(done.begin(), done.end(), lower) != done.end()) {
                continue;
            }
            done.push_back(lower);
            const auto all = c.find_all(d.name);
            out_ += bare_key(d.name) ? d.name : quote(d.name);
            out_ += " = ";
            if (all.size() == 1) {
                out_ += value_of(d);
            } else {
                out_ += "[";
                for (std::size_t i = 0; i < all.size(); ++i) {
                    out_ += i == 0 ? "" : ", ";
                    out_ += array(all[i]->args);
                }
                out_ += "]";
            }
            out_ += "\n";
        }
    }

    void write_children(const Context& c, const std::string& path) {
        for (const auto& child : c.children) {
            const std::string child_path = str_cat(path, path.empty() ? "" : ".", context_name(child.kind));
            out_ += str_cat("\n[[", child_path, "]]\n");
            switch (child.kind) {
                case ContextKind::virtual_host:
                    out_ += str_cat("address = ", child.args.size() == 1 ? quote(child.args[0]) : array_of_strings(child.args), "\n");
                    break;
                case ContextKind::anonymous:
                case ContextKind::directory:
                    out_ += str_cat("path = ", quote(child.args.empty() ? std::string() : child.args[0]), "\n");
                    break;
                case ContextKind::limit:
                    out_ += str_cat("commands = ", array_of_strings(child.args), "\n");
                    break;
                default:
                    break;
            }
            write_directives(child);
            write_children(child, child_path);
        }
    }

    static std::string array_of_strings(const std::vector<std::string>& items) {
        std::string out = "[";
        for (std::size_t i = 0; i < items.size(); ++i) {
            out += i == 0 ? "" : ", ";
            out += quote(items[i]);
        }
        out += "]";
        return out;
    }

    Registry registry_;
    std::string out_;
};

}  // namespace

std::string to_toml(const Config& config) {
    TomlWriter writer;
    return writer.run(config);
}

}  // namespace ward::config
