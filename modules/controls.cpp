#include "modules/controls.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace ward::modules {
namespace {

bool names_action(const ControlRule& rule, std::string_view action) {
    return std::any_of(rule.actions.begin(), rule.actions.end(),
                       [action](const std::string& a) { return a == "all" || a == action; });
}

bool lists(const ControlRule& rule, std::string_view name) {
    return std::any_of(rule.names.begin(), rule.names.end(),
                       [name](const std::string& n) { return n == "*" || (!name.empty() && n == name); });
}

// nullptr when no rule of that kind names the action.
const ControlRule* last_rule(const std::vector<ControlRule>& rules, std::string_view action, bool group) {
    const ControlRule* found = nullptr;
    for (const auto& rule : rules) {
        if (rule.group == group && names_action(rule, action)) {
            found = &rule;
        }
    }
    return found;
}

bool rule_allows(const ControlRule* rule, std::string_view name) {
    if (rule == nullptr) {
        return false;
    }
    return rule->allow ? lists(*rule, name) : !lists(*rule, name);
}

}  // namespace

ControlRule control_rule(const config::Directive& directive) {
    ControlRule rule;
    for (const auto action : split(directive.args.at(0), ',')) {
        rule.actions.emplace_back(to_lower(trim(action)));
    }
    rule.allow = iequals(directive.args.at(1), "allow");
    rule.group = iequals(directive.args.at(2), "group");
    for (const auto name : split(directive.args.at(3), ',')) {
        if (!trim(name).empty()) {
            rule.names.emplace_back(trim(name));
        }
    }
    return rule;
}

bool control_allowed(const std::vector<ControlRule>& rules, std::string_view action, const Peer& peer) {
    return rule_allows(last_rule(rules, action, false), peer.user) ||
           rule_allows(last_rule(rules, action, true), peer.group);
}

Result<ControlRequest> parse_control_request(std::string_view line) {
    if (line.size() > kMaxControlRequest) {
        return Error{str_cat("request is longer than ", kMaxControlRequest, " bytes")};
    }
    if (std::any_of(line.begin(), line.end(), [](char c) { return c == '\0' || c == '\r' || c == '\n'; })) {
        return Error{"request contains a control character"};
    }
    const auto words = split_words(line);
    if (words.empty()) {
        return Error{"empty request"};
    }
    ControlRequest request{to_lower(words[0]), {}};
    if (request.action == "lsmod") {
        if (words.size() != 1) {
            return Error{"lsmod takes no argument"};
        }
        return request;
    }
    if (request.action == "insmod" || request.action == "rmmod") {
        if (words.size() != 2) {
            return Error{str_cat(request.action, ": exactly one module name is required")};
        }
        request.argument = std::string(words[1]);
        return request;
    }
    if (request.action == "who") {
        if (words.size() != 1) {
            return Error{"who takes no argument"};
        }
        return request;
    }
    if (request.action == "kick") {
        if (words.size() != 3) {
            return Error{"kick: expected 'user NAME', 'host ADDRESS' or 'session PID'"};
        }
        request.argument = str_cat(words[1], " ", words[2]);
        return request;
    }
    return Error{str_cat("unknown action '", escape_for_log(words[0]),
                         "' (expected lsmod, insmod, rmmod, who or kick)")};
}

}  // namespace ward::modules
