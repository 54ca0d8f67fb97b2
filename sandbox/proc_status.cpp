#include "sandbox/proc_status.hpp"

#include <unistd.h>

#include <optional>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::sandbox {
namespace {

constexpr std::size_t kMaxStatusBytes = std::size_t{64} * 1024;

template <class T>
Result<std::vector<T>> parse_numbers(std::string_view field, std::string_view value, int base) {
    std::vector<T> out;
    for (const std::string_view word : split_words(value)) {
        const auto n = parse_unsigned<T>(word, base);
        if (!n) {
            return Error{str_cat("/proc status: ", field, ": bad number '", word, "'")};
        }
        out.push_back(*n);
    }
    return out;
}

Result<void> parse_ids(std::string_view field, std::string_view value, std::array<unsigned, 4>& out) {
    auto ids = parse_numbers<unsigned>(field, value, 10);
    if (!ids) {
        return std::move(ids).error();
    }
    if (ids->size() != out.size()) {
        return Error{str_cat("/proc status: ", field, ": expected 4 ids")};
    }
    std::copy(ids->begin(), ids->end(), out.begin());
    return {};
}

Result<int> parse_int(std::string_view field, std::string_view value) {
    const auto n = parse_unsigned<unsigned>(value);
    if (!n || *n > 1000000U) {
        return Error{str_cat("/proc status: ", field, ": bad value '", value, "'")};
    }
    return static_cast<int>(*n);
}

Result<CapabilitySet> parse_caps(std::string_view field, std::string_view value) {
    const auto bits = parse_unsigned<std::uint64_t>(value, 16);
    if (!bits || value.size() != 16) {
        return Error{str_cat("/proc status: ", field, ": bad mask '", value, "'")};
    }
    return CapabilitySet(*bits);
}

struct Seen {
    unsigned count = 0;
};

Result<void> parse_line(std::string_view key, std::string_view value, ProcStatus& out, Seen& seen) {
    static_assert(sizeof(uid_t) == sizeof(unsigned) && sizeof(gid_t) == sizeof(unsigned));
    const auto caps = [&](CapabilitySet& field) -> Result<void> {
        auto set = parse_caps(key, value);
        if (!set) {
            return std::move(set).error();
        }
        field = *set;
        ++seen.count;
        return {};
    };
    const auto number = [&](int& field) -> Result<void> {
        auto n = parse_int(key, value);
        if (!n) {
            return std::move(n).error();
        }
        field = *n;
        ++seen.count;
        return {};
    };
    if (key == "Uid" || key == "Gid") {
        ++seen.count;
        return parse_ids(key, value, key == "Uid" ? out.uid : out.gid);
    }
    if (key == "Groups") {
        auto groups = parse_numbers<gid_t>(key, value, 10);
        if (!groups) {
            return std::move(groups).error();
        }
        out.groups = std::move(*groups);
        ++seen.count;
        return {};
    }
    if (key == "CapInh") return caps(out.cap_inheritable);
    if (key == "CapPrm") return caps(out.cap_permitted);
    if (key == "CapEff") return caps(out.cap_effective);
    if (key == "CapBnd") return caps(out.cap_bounding);
    if (key == "CapAmb") return caps(out.cap_ambient);
    if (key == "NoNewPrivs") return number(out.no_new_privs);
    if (key == "Seccomp") return number(out.seccomp);
    if (key == "Seccomp_filters") return number(out.seccomp_filters);
    return {};
}

}  // namespace

Result<ProcStatus> parse_proc_status(std::string_view text) {
    constexpr unsigned kFields = 11;
    ProcStatus out;
    Seen seen;
    for (const std::string_view line : split(text, '\n')) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        if (auto ok = parse_line(line.substr(0, colon), trim(line.substr(colon + 1)), out, seen); !ok) {
            return std::move(ok).error();
        }
    }
    if (seen.count != kFields) {
        return Error{str_cat("/proc status: found ", seen.count, " of the ", kFields, " expected fields")};
    }
    return out;
}

Result<ProcStatus> read_proc_status(pid_t pid) {
    const std::string path = pid == 0 ? std::string("/proc/self/status") : str_cat("/proc/", pid, "/status");
    auto text = sys::read_file(path, kMaxStatusBytes);
    if (!text) {
        return std::move(text).error();
    }
    return parse_proc_status(*text);
}

Result<ProcStatus> read_proc_status_fd(int fd) {
    // A fresh read from offset 0 makes procfs render the process's state as it is now.
    auto text = sys::read_fd(fd, kMaxStatusBytes, "/proc/self/status");
    if (!text) {
        return std::move(text).error();
    }
    return parse_proc_status(*text);
}

}  // namespace ward::sandbox
