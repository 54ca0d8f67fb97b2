#include "config/access_rules.hpp"

#include <arpa/inet.h>
#include <fnmatch.h>

#include <algorithm>

#include "base/strings.hpp"
#include "config/command_groups.hpp"
#include "config/server.hpp"
#include "config/values.hpp"

namespace ward::config {

Result<Regex> Regex::compile(const std::string& pattern, bool ignore_case) {
    Regex out;
    out.compiled_ = std::make_unique<regex_t>();
    if (::regcomp(out.compiled_.get(), pattern.c_str(), REG_EXTENDED | REG_NOSUB | (ignore_case ? REG_ICASE : 0)) !=
        0) {
        out.compiled_.reset();
        return Error{str_cat("'", pattern, "' is not a valid regular expression")};
    }
    return out;
}

Regex::Regex(Regex&& other) noexcept : compiled_(std::move(other.compiled_)) {}

Regex& Regex::operator=(Regex&& other) noexcept {
    if (this != &other) {
        if (compiled_) {
            ::regfree(compiled_.get());
        }
        compiled_ = std::move(other.compiled_);
    }
    return *this;
}

Regex::~Regex() {
    if (compiled_) {
        ::regfree(compiled_.get());
    }
}

bool Regex::matches(const std::string& text) const {
    return compiled_ && ::regexec(compiled_.get(), text.c_str(), 0, nullptr, 0) == 0;
}

std::string_view plain_address(std::string_view address) noexcept {
    if (istarts_with(address, "::ffff:") && address.find('.') != std::string_view::npos) {
        address.remove_prefix(7);
    }
    return address;
}

namespace {

bool parse_ip(std::string_view text, std::array<unsigned char, 16>& bytes, bool& v6) {
    const std::string s(plain_address(text));
    bytes.fill(0);
    if (::inet_pton(AF_INET, s.c_str(), bytes.data()) == 1) {
        v6 = false;
        return true;
    }
    if (::inet_pton(AF_INET6, s.c_str(), bytes.data()) == 1) {
        v6 = true;
        return true;
    }
    return false;
}

bool ip_glob_text(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' ||
               c == '*' || c == '?' || c == '[' || c == ']' || c == '-';
    });
}

AddressEntry compile_entry(std::string_view text) {
    AddressEntry e;
    if (text.starts_with('!')) {
        e.negated = true;
        text.remove_prefix(1);
    }
    e.text = std::string(text);
    if (iequals(text, "all")) {
        e.kind = AddressEntry::Kind::all;
    } else if (iequals(text, "none")) {
        e.kind = AddressEntry::Kind::none;
    } else if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        e.kind = AddressEntry::Kind::network;
        parse_ip(text.substr(0, slash), e.bytes, e.v6);
        e.prefix_bits = parse_unsigned<unsigned>(text.substr(slash + 1)).value_or(0);
    } else if (parse_ip(text, e.bytes, e.v6)) {
        e.kind = AddressEntry::Kind::exact;
    } else if (text.find_first_of("*?[") != std::string_view::npos && ip_glob_text(text)) {
        e.kind = AddressEntry::Kind::glob;
    } else if (text.ends_with('.') && ip_glob_text(text)) {
        e.kind = AddressEntry::Kind::text_prefix;  // "192.168.1." as ProFTPD reads it
    } else {
        e.kind = AddressEntry::Kind::host;  // DNS names: wardftpd does no reverse lookups, so they never match
    }
    return e;
}

// 1 match, 0 no match, -1 the NONE entry (matches nothing, and ends the positive scan as in ProFTPD).
int entry_matches(const AddressEntry& e, std::string_view address) {
    switch (e.kind) {
        case AddressEntry::Kind::all:
            return 1;
        case AddressEntry::Kind::none:
            return -1;
        case AddressEntry::Kind::exact:
        case AddressEntry::Kind::network: {
            std::array<unsigned char, 16> bytes{};
            bool v6 = false;
            if (!parse_ip(address, bytes, v6) || v6 != e.v6) {
                return 0;
            }
            const unsigned bits = e.kind == AddressEntry::Kind::exact ? (v6 ? 128U : 32U) : e.prefix_bits;
            const unsigned whole = bits / 8;
            if (!std::equal(bytes.begin(), bytes.begin() + whole, e.bytes.begin())) {
                return 0;
            }
            if (const unsigned rest = bits % 8; rest != 0) {
                const auto mask = static_cast<unsigned char>(0xFFU << (8 - rest));
                if ((bytes[whole] & mask) != (e.bytes[whole] & mask)) {
                    return 0;
                }
            }
            return 1;
        }
        case AddressEntry::Kind::text_prefix:
            return address.starts_with(e.text) ? 1 : 0;
        case AddressEntry::Kind::glob:
            return ::fnmatch(e.text.c_str(), std::string(address).c_str(), 0) == 0 ? 1 : 0;
        case AddressEntry::Kind::host:
            return 0;
    }
    return 0;
}

// ProFTPD's pr_netacl_match for one entry: 1 holds, 0 does not, -1 excluded (a negated entry that matches, none).
int acl_match(const AddressEntry& e, std::string_view address) {
    const int m = entry_matches(e, address);
    if (m < 0) {
        return -1;
    }
    if (e.negated) {
        return m == 1 ? -1 : 1;
    }
    return m;
}

// ProFTPD's check_ip_access: every negated entry of every line must hold, and some positive entry must match.
bool address_access(const std::vector<std::vector<AddressEntry>>& lines, std::string_view address) {
    bool result = false;
    for (const auto& line : lines) {
        for (const auto& e : line) {
            if (e.negated && entry_matches(e, address) != 0) {
                return false;
            }
        }
        for (const auto& e : line) {
            if (e.negated) {
                continue;
            }
            const int m = entry_matches(e, address);
            if (m == 1) {
                result = true;
                break;
            }
            if (m == -1) {
                break;
            }
        }
    }
    return result;
}

bool user_rule(const NameRule& rule, const std::string& user) {
    if (rule.eval == NameRule::Eval::regex) {
        return rule.pattern && rule.pattern->matches(user);
    }
    for (const auto& [name, negated] : rule.names) {
        const bool found = (name == user) != negated;
        if (rule.eval == NameRule::Eval::any && found) {
            return true;
        }
        if (rule.eval == NameRule::Eval::all && !found) {
            return false;
        }
    }
    return rule.eval == NameRule::Eval::all;
}

bool group_rule(const NameRule& rule, const std::vector<std::string>& groups) {
    if (rule.eval == NameRule::Eval::regex) {
        return rule.pattern &&
               std::any_of(groups.begin(), groups.end(), [&](const std::string& g) { return rule.pattern->matches(g); });
    }
    for (const auto& [name, negated] : rule.names) {
        const bool member = std::find(groups.begin(), groups.end(), name) != groups.end();
        const bool found = member != negated;
        if (rule.eval == NameRule::Eval::any && found) {
            return true;
        }
        if (rule.eval == NameRule::Eval::all && !found) {
            return false;
        }
    }
    return rule.eval == NameRule::Eval::all;
}

bool any_user(const std::vector<NameRule>& rules, const std::string& user) {
    return std::any_of(rules.begin(), rules.end(), [&](const NameRule& r) { return user_rule(r, user); });
}

bool any_group(const std::vector<NameRule>& rules, const std::vector<std::string>& groups) {
    return std::any_of(rules.begin(), rules.end(), [&](const NameRule& r) { return group_rule(r, groups); });
}

Result<NameRule> compile_names(const Directive& d, bool default_all) {
    NameRule rule;
    rule.eval = default_all ? NameRule::Eval::all : NameRule::Eval::any;
    std::string_view list = d.args.back();
    if (d.args.size() == 2) {
        if (iequals(d.args[0], "regex")) {
            auto compiled = Regex::compile(d.args[1]);
            if (!compiled) {
                return std::move(compiled).error();
            }
            rule.eval = NameRule::Eval::regex;
            rule.pattern = std::make_shared<Regex>(std::move(*compiled));
            return rule;
        }
        rule.eval = iequals(d.args[0], "AND") ? NameRule::Eval::all : NameRule::Eval::any;
    }
    for (auto item : split(list, ',')) {
        const bool negated = item.starts_with('!');
        if (negated) {
            item.remove_prefix(1);
        }
        rule.names.emplace_back(std::string(item), negated);
    }
    return rule;
}

std::vector<AddressEntry> compile_addresses(const Directive& d) {
    std::vector<AddressEntry> out;
    for (std::size_t i = 0; i < d.args.size(); ++i) {
        if (i == 0 && iequals(d.args[0], "from") && !iequals(d.name, "From")) {
            continue;
        }
        for (const auto entry : split(d.args[i], ',')) {
            if (!entry.empty()) {
                out.push_back(compile_entry(entry));
            }
        }
    }
    return out;
}

}  // namespace

bool LimitRule::names(std::string_view command) const {
    return std::any_of(commands.begin(), commands.end(), [&](const std::string& c) { return iequals(c, command); });
}

int LimitRule::check(const Principal& who, const std::string* argument) const {
    const bool known = !who.user.empty();
    const bool classed = !who.conn_class.empty();  // a session in no class: AllowClass/DenyClass do not apply
    const std::string_view address = plain_address(who.address);
    const auto filtered = [&](const std::vector<std::shared_ptr<Regex>>& filters) {
        return argument != nullptr &&
               std::any_of(filters.begin(), filters.end(), [&](const auto& re) { return re->matches(*argument); });
    };
    const auto allow = [&] {
        if (known ? any_user(allow_user, who.user) : !allow_user.empty()) {
            return true;
        }
        if (known ? any_group(allow_group, who.groups) : !allow_group.empty()) {
            return true;
        }
        if (classed && any_user(allow_class, who.conn_class)) {
            return true;
        }
        return address_access(allow_from, address) || filtered(allow_filter) || allow_all;
    };
    const auto deny = [&] {
        return deny_all || (known && any_user(deny_user, who.user)) || (known && any_group(deny_group, who.groups)) ||
               (classed && any_user(deny_class, who.conn_class)) || address_access(deny_from, address) ||
               filtered(deny_filter);
    };
    if (deny_first) {
        if (deny()) {
            return -2;
        }
        return allow() ? 1 : -1;
    }
    if (allow()) {
        return 1;
    }
    return deny() ? -2 : 0;
}

Result<LimitRule> compile_limit(const Context& section) {
    LimitRule rule;
    rule.section = &section;
    for (const auto& arg : section.args) {
        for (const auto item : split(arg, ',')) {
            if (item.empty()) {
                continue;
            }
            rule.commands.push_back(to_upper(item));
            const auto twin = command_twin(item);
            if (!twin.empty()) {
                rule.commands.emplace_back(twin);
            }
        }
    }
    for (const auto& d : section.directives) {
        if (iequals(d.name, "Order")) {
            std::string joined;
            for (const auto& a : d.args) {
                joined += a;
            }
            rule.deny_first = iequals(joined, "deny,allow");
        } else if (iequals(d.name, "AllowAll")) {
            rule.allow_all = true;
        } else if (iequals(d.name, "DenyAll")) {
            rule.deny_all = true;
        } else if (iequals(d.name, "Allow")) {
            rule.allow_from.push_back(compile_addresses(d));
        } else if (iequals(d.name, "Deny")) {
            rule.deny_from.push_back(compile_addresses(d));
        } else if (iequals(d.name, "AllowFilter") || iequals(d.name, "DenyFilter")) {
            const FilterValue filter = as_filter(d);
            auto compiled = Regex::compile(filter.pattern, filter.ignore_case);
            if (!compiled) {
                return Error{str_cat(to_string(d.where), ": ", d.name, ": ", compiled.error().message)};
            }
            (iequals(d.name, "AllowFilter") ? rule.allow_filter : rule.deny_filter)
                .push_back(std::make_shared<Regex>(std::move(*compiled)));
        } else {
            const bool user = iequals(d.name, "AllowUser") || iequals(d.name, "DenyUser");
            const bool group = iequals(d.name, "AllowGroup") || iequals(d.name, "DenyGroup");
            const bool klass = iequals(d.name, "AllowClass") || iequals(d.name, "DenyClass");
            if (!user && !group && !klass) {
                continue;
            }
            // A class name list is read as a user list: OR by default, '!' negates, or one regex.
            auto compiled = compile_names(d, group);
            if (!compiled) {
                return Error{str_cat(to_string(d.where), ": ", d.name, ": ", compiled.error().message)};
            }
            auto& list = iequals(d.name, "AllowUser")    ? rule.allow_user
                         : iequals(d.name, "DenyUser")   ? rule.deny_user
                         : iequals(d.name, "AllowGroup") ? rule.allow_group
                         : iequals(d.name, "DenyGroup")  ? rule.deny_group
                         : iequals(d.name, "AllowClass") ? rule.allow_class
                                                         : rule.deny_class;
            list.push_back(std::move(*compiled));
        }
    }
    return rule;
}

bool ConnectionClass::matches(std::string_view address) const {
    const std::string_view plain = plain_address(address);
    if (satisfy_all) {
        return std::all_of(from.begin(), from.end(), [&](const AddressEntry& e) { return acl_match(e, plain) == 1; });
    }
    return std::any_of(from.begin(), from.end(), [&](const AddressEntry& e) { return acl_match(e, plain) == 1; });
}

namespace {

void add_classes(const Context& owner, std::vector<ConnectionClass>& out) {
    for (const auto& child : owner.children) {
        if (child.kind == ContextKind::global) {
            add_classes(child, out);
        }
        if (child.kind != ContextKind::connection_class || child.args.empty()) {
            continue;
        }
        ConnectionClass c;
        c.name = child.args.front();
        for (const auto& d : child.directives) {
            if (iequals(d.name, "From")) {
                // Each entry is one rule; "all"/"none" stand alone (the registry's check refuses a mix).
                auto entries = compile_addresses(d);
                c.from.insert(c.from.end(), entries.begin(), entries.end());
            } else if (iequals(d.name, "Satisfy")) {
                c.satisfy_all = iequals(d.args.at(0), "all");
            }
        }
        if (!c.from.empty()) {
            out.push_back(std::move(c));
        }
    }
}

}  // namespace

std::vector<ConnectionClass> compile_classes(const Context& root) {
    std::vector<ConnectionClass> out;
    add_classes(root, out);
    return out;
}

std::string class_of(const std::vector<ConnectionClass>& classes, std::string_view address) {
    for (const auto& c : classes) {
        if (c.matches(address)) {
            return c.name;
        }
    }
    return {};
}

}  // namespace ward::config
