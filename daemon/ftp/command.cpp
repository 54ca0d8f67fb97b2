#include "daemon/ftp/command.hpp"

#include "base/strings.hpp"

namespace ward::ftp {
namespace {

constexpr CommandSpec kCommands[] = {
#define WARD_VERB(verb, limit_name, group, in_all, argument, path, names_dir, check, module, feat, before_login, \
                  handler, help)                                                                             \
    {#verb, #limit_name, before_login, ArgRule::argument, LimitCheck::check, PathArg::path, feat, help, module},
#include "config/command_groups.def"
#undef WARD_VERB
};

constexpr SiteSpec kSiteCommands[] = {
#define WARD_SITE(sub, group, check, module, handler, help) {#sub, "SITE_" #sub, LimitCheck::check, help},
#include "config/command_groups.def"
#undef WARD_SITE
};

bool is_letter(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

ParsedCommand split_verb(std::string_view line) {
    ParsedCommand out;
    const auto space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    if (space != std::string_view::npos) {
        out.argument.assign(line.substr(space + 1));
        out.has_argument = true;
    }
    out.valid_verb = !verb.empty() && verb.size() <= kMaxVerbBytes;
    for (const char c : verb) {
        out.valid_verb = out.valid_verb && is_letter(c);
    }
    if (out.valid_verb) {
        out.verb = to_upper(verb);
    } else {
        // Only for the "not understood" reply: bounded and printable.
        out.verb = escape_for_log(to_upper(verb.substr(0, kMaxVerbBytes * 2)));
    }
    return out;
}

}  // namespace

ParsedCommand parse_command(std::string_view line) { return split_verb(line); }

ParsedCommand parse_site_command(std::string_view argument) {
    // SITE's subcommand may be followed by several spaces before its own arguments.
    ParsedCommand out = split_verb(argument);
    if (out.has_argument) {
        const auto first = out.argument.find_first_not_of(' ');
        out.argument.erase(0, first == std::string::npos ? out.argument.size() : first);
        out.has_argument = !out.argument.empty();
    }
    return out;
}

const CommandSpec* find_command(std::string_view verb) noexcept {
    for (const auto& spec : kCommands) {
        if (spec.verb == verb) {
            return &spec;
        }
    }
    return nullptr;
}

std::span<const CommandSpec> command_table() noexcept { return kCommands; }

std::string_view path_of_argument(const CommandSpec& spec, std::string_view argument) noexcept {
    switch (spec.path) {
        case PathArg::whole_argument:
            return argument;
        case PathArg::after_first_word: {
            const auto space = argument.find(' ');
            return space == std::string_view::npos ? std::string_view() : argument.substr(space + 1);
        }
        case PathArg::no_path:
            break;
    }
    return {};
}

const SiteSpec* find_site_command(std::string_view verb) noexcept {
    for (const auto& spec : kSiteCommands) {
        if (spec.verb == verb) {
            return &spec;
        }
    }
    return nullptr;
}

std::span<const SiteSpec> site_table() noexcept { return kSiteCommands; }

}  // namespace ward::ftp
