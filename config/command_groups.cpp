#include "config/command_groups.hpp"

#include <array>
#include <utility>

#include "base/strings.hpp"

namespace ward::config {
namespace {

constexpr std::array<std::string_view, 13> kDirs = {"CDUP", "CWD",  "LIST", "MDTM", "MLSD", "MLST", "NLST",
                                                    "PWD",  "RNFR", "STAT", "XCUP", "XCWD", "XPWD"};
constexpr std::array<std::string_view, 2> kRead = {"RETR", "SIZE"};
constexpr std::array<std::string_view, 9> kWrite = {"APPE", "DELE", "MKD",  "RMD", "RNTO",
                                                    "STOR", "STOU", "XMKD", "XRMD"};
constexpr std::array<std::string_view, 6> kNotInAll = {"EPRT", "EPSV", "PASV", "PORT", "PROT", "OPTS"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kTwins = {
    {{"CDUP", "XCUP"}, {"MKD", "XMKD"}, {"PWD", "XPWD"}, {"RMD", "XRMD"}}};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view command) noexcept {
    for (const auto item : list) {
        if (iequals(item, command)) {
            return true;
        }
    }
    return false;
}

bool names_command(std::string_view entry, std::string_view command) noexcept {
    if (iequals(entry, command)) {
        return true;
    }
    const auto twin = command_twin(command);
    return !twin.empty() && iequals(entry, twin);
}

}  // namespace

std::string_view command_twin(std::string_view command) noexcept {
    for (const auto& [a, b] : kTwins) {
        if (iequals(command, a)) {
            return b;
        }
        if (iequals(command, b)) {
            return a;
        }
    }
    return {};
}

std::string_view command_group(std::string_view command) noexcept {
    if (contains(kDirs, command)) {
        return "DIRS";
    }
    if (contains(kRead, command)) {
        return "READ";
    }
    if (contains(kWrite, command)) {
        return "WRITE";
    }
    return {};
}

bool command_in_group(std::string_view command, std::string_view group) noexcept {
    if (names_command(group, command)) {
        return true;
    }
    if (iequals(group, "ALL")) {
        return !iequals(command, "LOGIN") && !contains(kNotInAll, command);
    }
    const auto own = command_group(command);
    return !own.empty() && iequals(own, group);
}

bool command_list_matches(std::string_view list, std::string_view command) noexcept {
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find(',', start);
        if (end == std::string_view::npos) {
            end = list.size();
        }
        const auto entry = trim(list.substr(start, end - start));
        if (!entry.empty()) {
            if (iequals(entry, "ALL") || iequals(entry, command)) {
                return true;
            }
            const auto own = command_group(command);
            if (!own.empty() && iequals(own, entry)) {
                return true;
            }
        }
        start = end + 1;
    }
    return false;
}

}  // namespace ward::config
