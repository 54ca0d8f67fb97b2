// Session parameters and information: TYPE MODE STRU FEAT OPTS HELP STAT.
#include <algorithm>

#include "base/strings.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {

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
    std::vector<std::string> lines{
        "Features:",      " EPRT", " EPSV", " MDTM", str_cat(" MLST ", format_mlst_facts(mlst_facts_, true)),
        " REST STREAM", " SIZE", " TVFS", " UTF8", "End"};
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
        finish(ctx, 211, status_lines());
        return;
    }
    cmd_list(ctx, ListKind::stat);
}

}  // namespace ward::ftp
