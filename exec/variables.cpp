#include "exec/variables.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "base/strings.hpp"
#include "base/version.hpp"
#include "config/command_groups.hpp"

namespace ward::exec {
namespace {

using Clock = std::chrono::system_clock;
constexpr std::string_view kNone = "-";
constexpr std::size_t kMaxTimeFormat = 256;

// Commands whose %d/%D name a directory (ProFTPD's LogFormat): a column of the verb table.
bool directory_command(std::string_view command) {
    const config::VerbFacts* facts = config::find_verb_facts(command);
    return facts != nullptr && facts->names_directory;
}

std::string_view basename_of(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string decimal(std::uint64_t value) { return str_cat(value); }

// Milliseconds as seconds with three decimals ("1.234").
std::string seconds_text(std::uint64_t millis) {
    std::string frac = decimal(millis % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    return str_cat(millis / 1000, ".", frac);
}

std::tm local_time(Clock::time_point now) {
    const std::time_t t = Clock::to_time_t(now);
    std::tm tm{};
    (void)::localtime_r(&t, &tm);
    return tm;
}

std::string strftime_text(std::string_view format, Clock::time_point now) {
    if (format.empty() || format.size() > kMaxTimeFormat) {
        return std::string();
    }
    const std::tm tm = local_time(now);
    const std::string fmt(format);
    std::array<char, 1024> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &tm);
    return std::string(buf.data(), n);
}

std::string padded(long value, std::size_t width) {
    std::string text = str_cat(value);
    if (text.size() < width) {
        text.insert(0, width - text.size(), '0');
    }
    return text;
}

long sub_second_micros(Clock::time_point now) {
    const auto since = now.time_since_epoch();
    return static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(since).count() % 1000000);
}

std::string transfer_status_text(TransferStatus status) {
    switch (status) {
        case TransferStatus::success: return "success";
        case TransferStatus::failed: return "failed";
        case TransferStatus::cancelled: return "cancelled";
        case TransferStatus::timeout: return "timeout";
        case TransferStatus::none: break;
    }
    return std::string(kNone);
}

class Expander {
public:
    explicit Expander(const ExpandInput& input) : in_(input), s_(*input.session), e_(input.event) {}

    // The value of a one-letter variable, or nullopt when the letter is not one.
    [[nodiscard]] std::optional<std::string> letter(char c) const;
    // The value of %{name}, or nullopt when the name is not one we know.
    [[nodiscard]] std::optional<std::string> named(std::string_view name) const;
    [[nodiscard]] std::optional<std::string> environment(const std::string& name) const {
        if (in_.environment) {
            return in_.environment(name);
        }
        const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): single-threaded monitor
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    }

private:
    [[nodiscard]] bool transfer() const { return e_ != nullptr && e_->transfer_status != TransferStatus::none; }
    [[nodiscard]] std::string event_text(const std::string CommandEvent::*field) const {
        return e_ == nullptr || (e_->*field).empty() ? std::string(kNone) : e_->*field;
    }
    [[nodiscard]] std::string client_path() const {
        return e_ == nullptr || e_->path.empty() ? std::string() : normalize_client_path(e_->path, e_->cwd);
    }
    [[nodiscard]] std::string real_path() const;
    [[nodiscard]] std::string clf_time() const;
    [[nodiscard]] std::string iso8601() const;

    const ExpandInput& in_;
    const SessionValues& s_;
    const CommandEvent* e_;
};

std::string Expander::real_path() const {
    std::string path = client_path();
    if (path.empty()) {
        return std::string(kNone);
    }
    if (s_.real_root.empty() || s_.real_root == "/") {
        return path;
    }
    std::string root = s_.real_root;
    while (root.size() > 1 && root.back() == '/') {
        root.pop_back();
    }
    return path == "/" ? root : root + path;
}

std::string Expander::clf_time() const {
    const std::tm tm = local_time(in_.now);
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "[%d/%b/%Y:%H:%M:%S %z]", &tm);
    return std::string(buf.data(), n);
}

std::string Expander::iso8601() const {
    return str_cat(strftime_text("%Y-%m-%d %H:%M:%S", in_.now), ",", padded(sub_second_micros(in_.now) / 1000, 3));
}

std::optional<std::string> Expander::letter(char c) const {
    switch (c) {
        case 'a':
        case 'h': return s_.client_address;
        case 'A': return s_.anonymous_password.empty() ? std::string("UNKNOWN") : s_.anonymous_password;
        case 'b': return e_ == nullptr ? std::string(kNone) : decimal(e_->bytes);
        case 'c': return std::string(kNone);
        case 'C': return event_text(&CommandEvent::cwd);
        case 'd':
        case 'D': {
            if (e_ == nullptr || !directory_command(e_->command)) {
                return std::string(kNone);
            }
            const std::string path = client_path().empty() ? normalize_client_path(".", e_->cwd) : client_path();
            return c == 'D' ? path : std::string(basename_of(path));
        }
        case 'E': return s_.end_reason.empty() ? std::string(kNone) : s_.end_reason;
        case 'f': return real_path();
        case 'F': {
            const std::string path = client_path();
            return path.empty() ? std::string(kNone) : path;
        }
        case 'g': return s_.group.empty() ? std::string(kNone) : s_.group;
        case 'H': return s_.server_address;
        case 'I': return e_ == nullptr ? std::string(kNone) : decimal(e_->session_bytes_in);
        case 'J': return e_ == nullptr ? std::string() : e_->arguments;
        case 'l': return std::string("UNKNOWN");
        case 'L': return s_.local_address;
        case 'm': return event_text(&CommandEvent::command);
        case 'O': return e_ == nullptr ? std::string(kNone) : decimal(e_->session_bytes_out);
        case 'p': return decimal(s_.local_port);
        case 'P': return str_cat(s_.session_pid);
        case 'r': return event_text(&CommandEvent::command_line);
        case 'R': return e_ == nullptr ? std::string(kNone) : decimal(e_->response_millis);
        case 's': return e_ == nullptr || e_->reply_code == 0 ? std::string(kNone) : str_cat(e_->reply_code);
        case 'S': return event_text(&CommandEvent::reply_text);
        case 't': return clf_time();
        case 'T': return transfer() ? seconds_text(e_->transfer_millis) : std::string(kNone);
        case 'u': return s_.user;
        case 'U': return s_.login_name;
        case 'v':
        case 'V': return s_.server_name;
        case 'w': {
            if (e_ == nullptr || e_->rename_from.empty()) {
                return std::string(kNone);
            }
            return normalize_client_path(e_->rename_from, e_->cwd);
        }
        default: return std::nullopt;
    }
}

std::optional<std::string> Expander::named(std::string_view name) const {
    const auto now_micros = sub_second_micros(in_.now);
    if (name == "basename") {
        const std::string path = client_path();
        return path.empty() ? std::string(kNone) : std::string(basename_of(path));
    }
    if (name == "epoch") {
        return str_cat(static_cast<long long>(Clock::to_time_t(in_.now)));
    }
    if (name == "file-modified") {
        return e_ == nullptr ? std::string(kNone) : std::string(e_->file_existed ? "true" : "false");
    }
    if (name == "file-offset") {
        return e_ == nullptr ? std::string(kNone) : decimal(e_->file_offset);
    }
    if (name == "file-size") {
        return e_ == nullptr || !e_->file_size ? std::string(kNone) : decimal(*e_->file_size);
    }
    if (name == "gid") {
        return s_.gid ? str_cat(*s_.gid) : std::string(kNone);
    }
    if (name == "uid") {
        return s_.uid ? str_cat(*s_.uid) : std::string(kNone);
    }
    if (name == "iso8601") {
        return iso8601();
    }
    if (name == "microsecs") {
        return padded(now_micros, 6);
    }
    if (name == "millisecs") {
        return padded(now_micros / 1000, 3);
    }
    if (name == "protocol") {
        return std::string("ftp");
    }
    if (name == "remote-port") {
        return decimal(s_.client_port);
    }
    if (name == "version") {
        return std::string(kVersion);
    }
    if (name == "transfer-failure") {
        return e_ == nullptr || e_->transfer_failure.empty() ? std::string(kNone) : e_->transfer_failure;
    }
    if (name == "transfer-millisecs") {
        return transfer() ? decimal(e_->transfer_millis) : std::string(kNone);
    }
    if (name == "transfer-port") {
        return transfer() && e_->transfer_port != 0 ? decimal(e_->transfer_port) : std::string(kNone);
    }
    if (name == "transfer-speed") {
        if (!transfer() || e_->transfer_millis == 0) {
            return std::string(kNone);
        }
        // KB/s with three decimals, computed in integers: bytes * 1000 / millis / 1024.
        const std::uint64_t thousandths = e_->bytes * 1000 / e_->transfer_millis * 1000 / 1024;
        return seconds_text(thousandths);
    }
    if (name == "transfer-status") {
        return e_ == nullptr ? std::string(kNone) : transfer_status_text(e_->transfer_status);
    }
    if (name == "transfer-type") {
        return transfer() ? std::string(e_->transfer_binary ? "binary" : "ASCII") : std::string(kNone);
    }
    if (name.starts_with("env:")) {
        return environment(std::string(name.substr(4))).value_or(std::string());
    }
    if (name.starts_with("time:")) {
        return strftime_text(name.substr(5), in_.now);
    }
    if (name.starts_with("note:") || name.starts_with("var:")) {
        return std::string(kNone);  // no module sets session notes or variables yet
    }
    return std::nullopt;
}

// Template text (from the configuration): only the result's cap applies.
void append_literal(std::string& out, std::string_view text) {
    const std::size_t room = ExpandLimits::result - std::min(out.size(), ExpandLimits::result);
    out.append(text.substr(0, std::min(text.size(), room)));
}

// A variable's value: capped on its own, then by the room left.
void append_capped(std::string& out, std::string_view value) {
    append_literal(out, value.substr(0, std::min(value.size(), ExpandLimits::value)));
}

}  // namespace

std::string normalize_client_path(std::string_view path, std::string_view cwd) {
    std::vector<std::string_view> parts;
    const auto walk = [&parts](std::string_view text) {
        for (const auto part : split(text, '/')) {
            if (part.empty() || part == ".") {
                continue;
            }
            if (part == "..") {
                if (!parts.empty()) {
                    parts.pop_back();
                }
                continue;
            }
            parts.push_back(part);
        }
    };
    if (!path.starts_with('/')) {
        walk(cwd);
    }
    walk(path);
    std::string out;
    for (const auto part : parts) {
        out += '/';
        out += part;
    }
    return out.empty() ? std::string("/") : out;
}

std::string expand_variables(std::string_view text, const ExpandInput& input) {
    const Expander expander(input);
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && out.size() < ExpandLimits::result) {
        const auto percent = text.find('%', i);
        if (percent == std::string_view::npos || percent + 1 >= text.size()) {
            append_literal(out, text.substr(i));
            break;
        }
        append_literal(out, text.substr(i, percent - i));
        const char next = text[percent + 1];
        if (next == '%') {
            append_literal(out, "%");
            i = percent + 2;
            continue;
        }
        if (next != '{') {
            if (auto value = expander.letter(next)) {
                append_capped(out, *value);
            } else {
                append_literal(out, text.substr(percent, 2));  // unknown: left as it is
            }
            i = percent + 2;
            continue;
        }
        const auto close = text.find('}', percent + 2);
        if (close == std::string_view::npos) {
            append_literal(out, text.substr(percent));
            break;
        }
        const std::string_view name = text.substr(percent + 2, close - percent - 2);
        std::size_t end = close + 1;
        std::optional<std::string> value = expander.named(name);
        if (!value && end < text.size() && text[end] == 'e') {
            value = expander.environment(std::string(name)).value_or(std::string());
            ++end;
        } else if (!value && end < text.size() && text[end] == 't') {
            value = strftime_text(name, input.now);
            ++end;
        }
        if (value) {
            append_capped(out, *value);
        } else {
            append_literal(out, text.substr(percent, end - percent));
        }
        i = end;
    }
    return out;
}

}  // namespace ward::exec
