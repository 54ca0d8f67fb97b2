// Session parameters and information: NOOP SYST ALLO CLNT LANG HOST TYPE MODE STRU FEAT OPTS HELP STAT.
#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {
namespace {

// RFC 7151: a host name (letters, digits, '-' and '.') or an IP literal in brackets.
bool valid_host_argument(std::string_view host) noexcept {
    if (host.empty() || host.size() > 255) {
        return false;
    }
    if (host.front() == '[') {
        return host.size() > 2 && host.back() == ']';
    }
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

void SessionImpl::cmd_noop(CommandContext& ctx) { finish(ctx, 200, "NOOP command successful"); }

void SessionImpl::cmd_syst(CommandContext& ctx) { finish(ctx, 215, "UNIX Type: L8"); }

void SessionImpl::cmd_allo(CommandContext& ctx) { finish(ctx, 202, "No storage allocation necessary"); }

// CLNT: the client names itself; ProFTPD notes it (%{note:mod_core.clnt}) and answers OK.
void SessionImpl::cmd_clnt(CommandContext& ctx) {
    log::info("client from ", peer_text_, " says it is '", escape_for_log(ctx.argument), "'");
    finish(ctx, 200, "OK");
}

// LANG (RFC 2640): one language, US English, which is what every reply is in (mod_lang's default).
void SessionImpl::cmd_lang(CommandContext& ctx) {
    const std::string tag = to_upper(trim(ctx.argument));
    if (tag.empty()) {
        finish(ctx, 200, "Using default language en-US");
    } else if (tag == "EN" || tag == "EN-US" || tag == "EN_US") {
        finish(ctx, 200, str_cat("Using language ", trim(ctx.argument)));
    } else {
        finish(ctx, 504, str_cat("Language ", trim(ctx.argument), " not supported"));
    }
}

// HOST (RFC 7151): before USER, names the virtual host the client wants. Name-based virtual hosts are
// not chosen here (the listening address chose the server); the name must be this server's.
void SessionImpl::cmd_host(CommandContext& ctx) {
    if (logged_in_ || !user_.empty()) {
        finish(ctx, 503, "Bad sequence of commands");
        return;
    }
    if (host_seen_) {
        finish(ctx, 503, "HOST already given");
        return;
    }
    const std::string_view host = trim(ctx.argument);
    if (!valid_host_argument(host)) {
        finish(ctx, 501, str_cat(host, ": Invalid hostname provided"));
        return;
    }
    if (!settings_.sole_server && !iequals(host, settings_.server_name)) {
        finish(ctx, 504, str_cat(host, ": Unknown hostname provided"));
        return;
    }
    host_seen_ = true;
    finish(ctx, 220, "HOST command successful");
}

void SessionImpl::cmd_type(CommandContext& ctx) {
    const auto words = split_words(ctx.argument);
    const std::string code = words.empty() ? std::string() : to_upper(words[0]);
    const std::string param = words.size() > 1 ? to_upper(words[1]) : std::string();
    if (code == "A" && (param.empty() || param == "N") && words.size() <= 2) {
        binary_ = false;
        finish(ctx, 200, "Type set to A");
    } else if ((code == "I" && words.size() == 1) || (code == "L" && param == "8" && words.size() == 2)) {
        binary_ = true;
        finish(ctx, 200, "Type set to I");
    } else if (code == "A" || code == "E" || code == "L" || code == "I") {
        finish(ctx, 504, str_cat("TYPE not implemented for '", ctx.argument, "' parameter"));
    } else {
        finish(ctx, 501, str_cat("'TYPE ", ctx.argument, "' not understood"));
    }
}

void SessionImpl::cmd_mode(CommandContext& ctx) {
    if (iequals(ctx.argument, "S")) {
        finish(ctx, 200, "Mode set to S");
    } else {
        finish(ctx, 504, str_cat("'MODE ", ctx.argument, "' unsupported transfer mode"));
    }
}

void SessionImpl::cmd_stru(CommandContext& ctx) {
    if (iequals(ctx.argument, "F")) {
        finish(ctx, 200, "Structure set to F");
    } else {
        finish(ctx, 504, str_cat("'STRU ", ctx.argument, "' unsupported structure type"));
    }
}

void SessionImpl::cmd_feat(CommandContext& ctx) {
    std::vector<std::string> lines{"Features:"};
    for (const auto& spec : command_table()) {
        if (spec.feat.empty() || (spec.canonical != spec.verb && find_command(spec.canonical)->feat == spec.feat) ||
            !tls_served(spec.verb)) {
            continue;
        }
        if (spec.feat == "MLST") {
            lines.push_back(str_cat(" MLST ", format_mlst_facts(mlst_facts_, true)));
        } else {
            lines.push_back(str_cat(' ', spec.feat));
        }
    }
    std::sort(lines.begin() + 1, lines.end());
    lines.emplace_back("End");
    finish(ctx, 211, std::move(lines));
}

void SessionImpl::cmd_opts(CommandContext& ctx) {
    const auto space = ctx.argument.find(' ');
    const std::string option = to_upper(std::string_view(ctx.argument).substr(0, space));
    const std::string_view value =
        space == std::string::npos ? std::string_view() : trim(std::string_view(ctx.argument).substr(space + 1));
    if (option == "UTF8" || option == "UTF-8") {
        if (iequals(value, "ON") || value.empty()) {
            utf8_ = true;
            finish(ctx, 200, "UTF8 set to on");
        } else if (iequals(value, "OFF")) {
            utf8_ = false;
            finish(ctx, 200, "UTF8 set to off");
        } else {
            finish(ctx, 501, str_cat("OPTS UTF8: '", value, "' not understood"));
        }
        return;
    }
    if (option == "MLST") {
        mlst_facts_ = parse_mlst_facts(value);
        finish(ctx, 200, str_cat("OPTS MLST ", format_mlst_facts(mlst_facts_, false)));
        return;
    }
    finish(ctx, 501, str_cat("OPTS ", option, ": option not understood"));
}

void SessionImpl::cmd_help(CommandContext& ctx) {
    if (!ctx.argument.empty()) {
        const std::string verb = to_upper(trim(ctx.argument));
        const CommandSpec* spec = find_command(verb);
        if (spec == nullptr) {
            finish(ctx, 502, str_cat("Unknown command '", verb, "'"));
        } else {
            finish(ctx, 214, str_cat("Syntax: ", spec->verb, ' ', spec->help));
        }
        return;
    }
    std::vector<std::string> lines{"The following commands are recognized (* =>'s unimplemented):"};
    std::string row;
    std::size_t in_row = 0;
    for (const auto& spec : command_table()) {
        std::string cell = str_cat(' ', spec.verb, spec.verb == "REIN" ? "*" : "");
        cell.resize(std::max<std::size_t>(cell.size() + 1, 8), ' ');
        row += cell;
        if (++in_row == 8) {
            lines.push_back(std::move(row));
            row.clear();
            in_row = 0;
        }
    }
    if (!row.empty()) {
        lines.push_back(std::move(row));
    }
    lines.emplace_back("Direct comments to root");
    finish(ctx, 214, std::move(lines));
}

std::vector<std::string> SessionImpl::status_lines() const {
    std::vector<std::string> lines;
    lines.push_back(str_cat("Status of '", settings_.server_name, "'"));
    lines.push_back(str_cat(" Connected from ", peer_text_));
    if (logged_in_) {
        lines.push_back(str_cat(" Logged in as ", identity_.user));
    } else {
        lines.emplace_back(" Not logged in");
    }
    lines.push_back(str_cat(" TYPE: ", binary_ ? "BINARY" : "ASCII", ", STRUcture: File, Mode: Stream"));
    if (data_.passive()) {
        lines.emplace_back(" Passive data connection set up");
    } else if (data_.configured()) {
        lines.emplace_back(" Active data connection set up");
    } else {
        lines.emplace_back(" No data connection");
    }
    lines.emplace_back("End of status");
    return lines;
}

std::vector<std::string> SessionImpl::transfer_status_lines() const {
    std::vector<std::string> lines;
    lines.push_back(str_cat("Status of '", settings_.server_name, "'"));
    if (active_) {
        const std::uint64_t moved = active_->transfer ? active_->transfer->bytes() : 0;
        lines.push_back(str_cat(" Transferring: ", active_->ctx.verb, ' ', active_->ctx.argument));
        lines.push_back(str_cat(" ", moved, " bytes transferred"));
    }
    lines.emplace_back("End of status");
    return lines;
}

void SessionImpl::cmd_stat(CommandContext& ctx) {
    if (busy_) {
        finish(ctx, 213, transfer_status_lines());
        return;
    }
    if (ctx.argument.empty()) {
        if (logged_in_ && !permitted(ctx, "STAT", cwd_)) {
            return;
        }
        finish(ctx, 211, status_lines());
        return;
    }
    list_command(ctx, ListKind::stat);
}

}  // namespace ward::ftp
