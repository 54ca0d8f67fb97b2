#pragma once
// A <Limit> section compiled once: its commands, Order, and the user, group and address rules, evaluated the
// way ProFTPD's check_limit does (src/dirtree.c).
#include <regex.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/model.hpp"

namespace ward::config {

struct Principal;

// A compiled POSIX extended regex, freed once.
class Regex {
public:
    // ignore_case: a filter's "[NC]" flag (REG_ICASE).
    static Result<Regex> compile(const std::string& pattern, bool ignore_case = false);
    Regex(Regex&& other) noexcept;
    Regex& operator=(Regex&& other) noexcept;
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex();
    [[nodiscard]] bool matches(const std::string& text) const;

private:
    Regex() = default;
    std::unique_ptr<regex_t> compiled_;
};

struct NameRule {  // one AllowUser/DenyUser/AllowGroup/DenyGroup line
    enum class Eval : std::uint8_t { any, all, regex } eval = Eval::any;
    std::vector<std::pair<std::string, bool>> names;  // name, negated
    std::shared_ptr<Regex> pattern;
};

struct AddressEntry {  // one entry of an Allow/Deny line
    enum class Kind : std::uint8_t { all, none, exact, network, text_prefix, glob, host } kind = Kind::host;
    bool negated = false;
    std::array<unsigned char, 16> bytes{};
    bool v6 = false;
    unsigned prefix_bits = 0;
    std::string text;
};

struct LimitRule {
    const Context* section = nullptr;
    std::vector<std::string> commands;  // upper case, with ProFTPD's X-variant twins added
    bool deny_first = false;            // Order deny,allow
    bool allow_all = false;
    bool deny_all = false;
    std::vector<NameRule> allow_user, deny_user, allow_group, deny_group;
    std::vector<NameRule> allow_class, deny_class;  // AllowClass/DenyClass, against the session's <Class>
    std::vector<std::vector<AddressEntry>> allow_from, deny_from;
    // AllowFilter/DenyFilter inside the <Limit>: regexes on the command's argument (ProFTPD's check_filter_access).
    std::vector<std::shared_ptr<Regex>> allow_filter, deny_filter;

    [[nodiscard]] bool names(std::string_view command) const;
    // 1 explicitly allowed, 0 implicitly allowed, -1 implicitly denied, -2 explicitly denied. argument: the
    // command's argument ("" when it has none) for the filters; nullptr when no command is being checked (LOGIN
    // at login time), which no filter matches.
    [[nodiscard]] int check(const Principal& who, const std::string* argument = nullptr) const;
};

[[nodiscard]] Result<LimitRule> compile_limit(const Context& section);

// One <Class name> section: its From entries (each one ACL, read as Allow/Deny entries are) and Satisfy.
struct ConnectionClass {
    std::string name;
    bool satisfy_all = false;  // Satisfy all: every From entry must hold; any (the default): one is enough
    std::vector<AddressEntry> from;
    // ProFTPD's pr_class_satisfied: a negated entry holds when the address is not in it; "none" never holds.
    [[nodiscard]] bool matches(std::string_view address) const;
};
// The <Class> sections of the server config and of <Global>, in file order; one without From is left out.
[[nodiscard]] std::vector<ConnectionClass> compile_classes(const Context& root);
// The first class the client address is in (ProFTPD's pr_class_match_addr), or "" for none.
[[nodiscard]] std::string class_of(const std::vector<ConnectionClass>& classes, std::string_view address);
// Strips "::ffff:" from an IPv4-mapped IPv6 address.
[[nodiscard]] std::string_view plain_address(std::string_view address) noexcept;

}  // namespace ward::config
