#include "daemon/ftp/command.hpp"

#include "base/strings.hpp"

namespace ward::ftp {
namespace {

constexpr CommandSpec kCommands[] = {
    {"USER", "USER", true, ArgRule::required, "<sp> username"},
    {"PASS", "PASS", true, ArgRule::optional, "<sp> password"},
    {"ACCT", "ACCT", false, ArgRule::required, "<sp> account"},
    {"QUIT", "QUIT", true, ArgRule::none, "(quit)"},
    {"REIN", "REIN", false, ArgRule::none, "(reinitialize)"},
    {"PWD", "PWD", false, ArgRule::none, "(return current directory)"},
    {"XPWD", "PWD", false, ArgRule::none, "(return current directory)"},
    {"CWD", "CWD", false, ArgRule::optional, "<sp> directory-name"},
    {"XCWD", "CWD", false, ArgRule::optional, "<sp> directory-name"},
    {"CDUP", "CDUP", false, ArgRule::none, "(change to parent directory)"},
    {"XCUP", "CDUP", false, ArgRule::none, "(change to parent directory)"},
    {"MKD", "MKD", false, ArgRule::required, "<sp> path-name"},
    {"XMKD", "MKD", false, ArgRule::required, "<sp> path-name"},
    {"RMD", "RMD", false, ArgRule::required, "<sp> path-name"},
    {"XRMD", "RMD", false, ArgRule::required, "<sp> path-name"},
    {"DELE", "DELE", false, ArgRule::required, "<sp> pathname"},
    {"RNFR", "RNFR", false, ArgRule::required, "<sp> pathname"},
    {"RNTO", "RNTO", false, ArgRule::required, "<sp> pathname"},
    {"SIZE", "SIZE", false, ArgRule::required, "<sp> pathname"},
    {"MDTM", "MDTM", false, ArgRule::required, "<sp> pathname"},
    {"LIST", "LIST", false, ArgRule::optional, "[<sp> pathname]"},
    {"NLST", "NLST", false, ArgRule::optional, "[<sp> pathname]"},
    {"MLSD", "MLSD", false, ArgRule::optional, "[<sp> pathname]"},
    {"MLST", "MLST", false, ArgRule::optional, "[<sp> pathname]"},
    {"RETR", "RETR", false, ArgRule::required, "<sp> pathname"},
    {"STOR", "STOR", false, ArgRule::required, "<sp> pathname"},
    {"STOU", "STOU", false, ArgRule::optional, "(store unique filename)"},
    {"APPE", "APPE", false, ArgRule::required, "<sp> pathname"},
    {"REST", "REST", false, ArgRule::required, "<sp> byte-count"},
    {"TYPE", "TYPE", false, ArgRule::required, "<sp> type-code (A, I, L 8)"},
    {"MODE", "MODE", false, ArgRule::required, "<sp> mode-code (S)"},
    {"STRU", "STRU", false, ArgRule::required, "<sp> structure-code (F)"},
    {"PASV", "PASV", false, ArgRule::none, "(set server in passive mode)"},
    {"EPSV", "EPSV", false, ArgRule::optional, "[<sp> af|ALL]"},
    {"PORT", "PORT", false, ArgRule::required, "<sp> h1,h2,h3,h4,p1,p2"},
    {"EPRT", "EPRT", false, ArgRule::required, "<sp> |af|addr|port|"},
    {"ABOR", "ABOR", false, ArgRule::none, "(abort operation)"},
    {"NOOP", "NOOP", true, ArgRule::none, "(no operation)"},
    {"SYST", "SYST", true, ArgRule::none, "(get type of operating system)"},
    {"FEAT", "FEAT", true, ArgRule::none, "(list extensions)"},
    {"OPTS", "OPTS", true, ArgRule::required, "<sp> command [<sp> options]"},
    {"HELP", "HELP", true, ArgRule::optional, "[<sp> command]"},
    {"STAT", "STAT", false, ArgRule::optional, "[<sp> pathname]"},
    {"ALLO", "ALLO", false, ArgRule::optional, "<sp> byte-count"},
    {"SITE", "SITE", false, ArgRule::required, "<sp> site-command"},
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

}  // namespace ward::ftp
