#include "daemon/ftp/display_text.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::ftp {
namespace {

constexpr std::size_t kMaxDisplayBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxExpanded = 65536;  // a display file is capped before this; a bound on growth

std::string current_time() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%a %b %d %H:%M:%S %Y", &tm);
    return std::string(buf.data(), n);
}

std::optional<std::string> display_value(std::string_view name, const DisplayValues& v) {
    if (name.size() == 1) {
        switch (name[0]) {
            case 'C': return v.cwd;
            case 'E': return v.server_admin;
            case 'F': return v.free_bytes ? std::optional(str_cat(*v.free_bytes)) : std::nullopt;
            case 'f': return v.free_bytes ? std::optional(with_units(*v.free_bytes)) : std::nullopt;
            case 'i': return str_cat(v.files_in);
            case 'o': return str_cat(v.files_out);
            case 't': return str_cat(v.files_in + v.files_out);
            case 'K': return str_cat(v.bytes_in + v.bytes_out);
            case 'k': return with_units(v.bytes_in + v.bytes_out);
            case 'L': return v.local_host;
            case 'R': return v.remote_host;
            case 'T': return current_time();
            case 'U': return v.login_name;
            case 'V': return v.server_name;
            default: return std::nullopt;
        }
    }
    if (name == "total_bytes_in") {
        return str_cat(v.bytes_in);
    }
    if (name == "total_bytes_out") {
        return str_cat(v.bytes_out);
    }
    if (name == "total_bytes_xfer") {
        return str_cat(v.bytes_in + v.bytes_out);
    }
    if (name == "total_files_in") {
        return str_cat(v.files_in);
    }
    if (name == "total_files_out") {
        return str_cat(v.files_out);
    }
    if (name == "total_files_xfer") {
        return str_cat(v.files_in + v.files_out);
    }
    return std::nullopt;
}

}  // namespace

std::string expand_percent(std::string_view text, const VariableLookup& lookup) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && out.size() < kMaxExpanded) {
        const char c = text[i];
        if (c != '%' || i + 1 == text.size()) {
            out += c;
            ++i;
            continue;
        }
        if (text[i + 1] == '%') {
            out += '%';
            i += 2;
            continue;
        }
        std::string_view name;
        std::size_t length = 2;  // of the whole sequence
        if (text[i + 1] == '{') {
            const std::size_t close = text.find('}', i + 2);
            if (close == std::string_view::npos) {
                out += c;
                ++i;
                continue;
            }
            name = text.substr(i + 2, close - i - 2);
            length = close - i + 1;
        } else {
            name = text.substr(i + 1, 1);
        }
        if (auto value = lookup(name)) {
            out += *value;
        } else {
            out += text.substr(i, length);
        }
        i += length;
    }
    if (out.size() > kMaxExpanded) {
        out.resize(kMaxExpanded);
    }
    return out;
}

std::string login_message(std::string_view text, std::string_view login_name) {
    return expand_percent(text, [login_name](std::string_view name) -> std::optional<std::string> {
        return name == "u" ? std::optional(std::string(login_name)) : std::nullopt;
    });
}

std::string expand_display(std::string_view text, const DisplayValues& values) {
    return expand_percent(text, [&values](std::string_view name) { return display_value(name, values); });
}

std::vector<std::string> display_reply_lines(std::string_view text, const DisplayValues& values) {
    std::vector<std::string> lines;
    if (text.ends_with('\n')) {
        text.remove_suffix(1);  // the text's final newline ends its last line; it starts no new one
    }
    if (text.empty()) {
        return lines;
    }
    for (auto line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        std::string expanded = expand_display(line, values);
        lines.push_back(lines.empty() ? std::move(expanded) : str_cat(" ", expanded));
    }
    return lines;
}

std::optional<DisplayFile> read_display_file(int fd, std::string_view name, bool free_space) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        log::debug(1, name, ": not a regular file; nothing displayed");
        return std::nullopt;
    }
    auto text = sys::read_fd(fd, kMaxDisplayBytes, name);
    if (!text) {
        log::warning(text.error().message);
        return std::nullopt;
    }
    DisplayFile file;
    file.text = std::move(*text);
    struct statvfs fs {};
    if (free_space && ::fstatvfs(fd, &fs) == 0) {
        file.free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    }
    return file;
}

std::string with_units(std::uint64_t bytes) {
    static constexpr std::array<const char*, 6> kUnits = {"B", "KB", "MB", "GB", "TB", "PB"};
    if (bytes < 1024) {
        return str_cat(bytes, "B");
    }
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < kUnits.size()) {
        value /= 1024.0;
        ++unit;
    }
    std::array<char, 48> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.1f%s", value, kUnits.at(unit));
    return std::string(buf.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace ward::ftp
