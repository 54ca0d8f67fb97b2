#include "config/builder.hpp"

#include <algorithm>

#include "base/strings.hpp"
#include "config/validators.hpp"

namespace ward::config {
namespace {

std::string no_effect_warning(const DirectiveSpec& spec) {
    return str_cat(spec.name, " has no effect in wardftpd: ", spec.note);
}

std::string arity_text(const DirectiveSpec& spec) {
    if (spec.max_args == 0) {
        return "no arguments";
    }
    if (spec.min_args == spec.max_args) {
        return str_cat(spec.min_args, spec.min_args == 1 ? " argument" : " arguments");
    }
    if (spec.max_args == kAnyNumber) {
        return str_cat("at least ", spec.min_args, spec.min_args == 1 ? " argument" : " arguments");
    }
    return str_cat(spec.min_args, " to ", spec.max_args, " arguments");
}

const Location& location_of(const Token& name, const std::vector<Token>& args, std::size_t index) {
    return index < args.size() ? args[index].where : name.where;
}

// A directive name as an error message shows it: at most 64 bytes, escaped.
std::string shown(std::string_view name) {
    constexpr std::size_t kShown = 64;
    if (name.size() <= kShown) {
        return escape_for_log(name);
    }
    return str_cat(escape_for_log(name.substr(0, kShown)), "...");
}

}  // namespace

Error error_at(const Location& where, std::string_view message) { return Error{str_cat(to_string(where), ": ", message)}; }

std::optional<ContextKind> section_kind(std::string_view name) noexcept {
    if (iequals(name, "Global")) {
        return ContextKind::global;
    }
    if (iequals(name, "VirtualHost")) {
        return ContextKind::virtual_host;
    }
    if (iequals(name, "Anonymous")) {
        return ContextKind::anonymous;
    }
    if (iequals(name, "Directory")) {
        return ContextKind::directory;
    }
    if (iequals(name, "Limit")) {
        return ContextKind::limit;
    }
    if (iequals(name, "Class")) {
        return ContextKind::connection_class;
    }
    return std::nullopt;
}

ConfigBuilder::ConfigBuilder(std::string source, const LoadOptions& options)
    : source_(std::move(source)), options_(options) {
    stack_.emplace_back();
    stack_.back().context.kind = ContextKind::server;
    stack_.back().context.where = Location{source_, 1, 1};
}

void ConfigBuilder::warn(const Location& where, std::string_view message) {
    warnings_.push_back(str_cat(to_string(where), ": ", message));
}

bool ConfigBuilder::defined(std::string_view name) const {
    const auto same = [name](const std::string& d) { return d == name; };
    return std::any_of(options_.defines.begin(), options_.defines.end(), same) ||
           std::any_of(defines_.begin(), defines_.end(), same);
}

Result<bool> ConfigBuilder::condition_holds(bool is_module, const Token& subject) const {
    std::string_view name = subject.text;
    const bool negated = name.starts_with('!');
    if (negated) {
        name.remove_prefix(1);
    }
    if (name.empty()) {
        return error_at(subject.where, str_cat("<", is_module ? "IfModule" : "IfDefine", ">: a name is required"));
    }
    return (is_module ? module_available(name) : defined(name)) != negated;
}

void ConfigBuilder::warn_if_unprovided(const Location& where, std::string_view directive,
                                       std::span<const std::string_view> args, std::string_view subject) {
    if (auto missing = unprovided_security(directive, args)) {
        std::string line(directive);
        for (const auto arg : args) {
            line += str_cat(" ", arg);
        }
        warn(where, str_cat("SECURITY: '", line, "' is skipped because <IfModule ", subject, "> does not hold here: ",
                            *missing));
    }
}

Result<void> ConfigBuilder::count(const Location& where) {
    if (++directives_ > options_.limits.max_directives) {
        return error_at(where, str_cat("too many directives (the limit is ", options_.limits.max_directives, ")"));
    }
    return {};
}

Result<void> ConfigBuilder::enter_nesting(const Location& where) {
    if (nesting_ >= options_.limits.max_nesting_depth) {
        return error_at(where, str_cat("sections nested too deeply (the limit is ", options_.limits.max_nesting_depth,
                                       " levels)"));
    }
    ++nesting_;
    return {};
}

void ConfigBuilder::leave_nesting() noexcept {
    if (nesting_ > 0) {
        --nesting_;
    }
}

Result<void> ConfigBuilder::enter_file(const std::string& path, std::size_t bytes, const Location& from) {
    if (std::find(files_.begin(), files_.end(), path) != files_.end()) {
        std::string chain;
        for (const auto& f : files_) {
            chain += str_cat(f, " -> ");
        }
        return error_at(from, str_cat("Include cycle: ", chain, path));
    }
    if (files_.size() > options_.limits.max_include_depth) {
        return error_at(from, str_cat("Include nested too deeply (the limit is ", options_.limits.max_include_depth,
                                      " levels)"));
    }
    if (bytes > options_.limits.max_file_bytes) {
        return error_at(from, str_cat(path, " is larger than the limit of ", options_.limits.max_file_bytes, " bytes"));
    }
    total_bytes_ += bytes;
    if (total_bytes_ > options_.limits.max_total_bytes) {
        return error_at(from, str_cat("the configuration and its includes are larger than the limit of ",
                                      options_.limits.max_total_bytes, " bytes"));
    }
    files_.push_back(path);
    return {};
}

void ConfigBuilder::leave_file() noexcept {
    if (!files_.empty()) {
        files_.pop_back();
    }
}

Error ConfigBuilder::unknown_directive(const Token& name) const {
    if (const auto module = foreign_module_for(name.text)) {
        return error_at(name.where, str_cat(name.text, " belongs to ", *module,
                                            ", which wardftpd does not have; put it inside <IfModule ", *module, ">"));
    }
    const std::string suggestion = registry_.closest(name.text);
    if (!suggestion.empty()) {
        return error_at(name.where, str_cat("unknown directive '", shown(name.text), "' (did you mean ", suggestion, "?)"));
    }
    return error_at(name.where, str_cat("unknown directive '", shown(name.text), "'"));
}

Result<void> ConfigBuilder::directive(const Token& name, const std::vector<Token>& args) {
    if (auto counted = count(name.where); !counted) {
        return counted;
    }
    const DirectiveSpec* spec = registry_.find(name.text);
    if (spec == nullptr) {
        return unknown_directive(name);
    }
    Frame& frame = stack_.back();
    const ContextKind here = frame.context.kind;
    if ((spec->contexts & context_bit(here)) == 0) {
        return error_at(name.where, not_allowed(spec->name, spec->contexts));
    }
    if (args.size() > options_.limits.max_args) {
        return error_at(args[options_.limits.max_args].where,
                        str_cat(spec->name, ": too many arguments (the limit is ", options_.limits.max_args, ")"));
    }
    if (args.size() < spec->min_args || args.size() > spec->max_args) {
        return error_at(name.where, str_cat(spec->name, " takes ", arity_text(*spec), ", not ", args.size(),
                                            " (syntax: ", spec->syntax, ")"));
    }
    std::vector<std::string> values;
    values.reserve(args.size());
    for (const auto& a : args) {
        if (a.text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            return error_at(a.where, str_cat(spec->name, ": a value cannot contain a line break or a NUL byte"));
        }
        values.push_back(a.text);
    }
    if (spec->validate) {
        if (auto problem = spec->validate(values)) {
            return error_at(location_of(name, args, problem->index), str_cat(spec->name, ": ", problem->message));
        }
    }
    if (iequals(spec->name, "ModuleOrder") && directives_ != 1) {
        return error_at(name.where, "ModuleOrder must be the very first directive of the configuration");
    }
    if (spec->status == Status::refused) {
        return error_at(name.where, str_cat(spec->name, " is refused by wardftpd: ", spec->note));
    }
    if (spec->status == Status::no_effect && !(spec->honoured && spec->honoured(values))) {
        warn(name.where, no_effect_warning(*spec));
    }
    if (iequals(spec->name, "Define")) {  // as -D NAME, for the <IfDefine> sections after it
        defines_.push_back(values.front());
    }
    Directive d{spec->name, std::move(values), name.where};
    if (!spec->repeatable) {
        const auto [it, inserted] = frame.seen.emplace(to_lower(spec->name), name.where);
        if (!inserted) {
            return repeated(frame, *spec, it->second, std::move(d));
        }
    }
    if (spec->module == "mod_dso.c" && (iequals(spec->name, "LoadModule") || iequals(spec->name, "LoadFile"))) {
        if (auto loaded = load_module(*spec, d); !loaded) {
            return loaded;
        }
    }
    frame.context.directives.push_back(std::move(d));
    return {};
}

Result<void> ConfigBuilder::repeated(Frame& frame, const DirectiveSpec& spec, const Location& first,
                                     Directive later) {
    auto& list = frame.context.directives;
    const auto earlier = std::find_if(list.begin(), list.end(), [&](const Directive& d) { return d.name == spec.name; });
    const bool last_wins = spec.precedence == Precedence::last && earlier != list.end();
    warn(later.where, str_cat(spec.name, " is already set in this context at ", to_string(first),
                              last_wins ? "; this later one applies, as in ProFTPD"
                                        : "; the first one applies, as in ProFTPD, not this one"));
    if (last_wins) {
        frame.seen[to_lower(spec.name)] = later.where;
        *earlier = std::move(later);
    }
    return {};
}

Result<void> ConfigBuilder::load_module(const DirectiveSpec& spec, const Directive& d) {
    const bool is_module = iequals(spec.name, "LoadModule");
    // ProFTPD's set_loadmodule ignores EEXIST: loading a built-in or already loaded module is a no-op, and the
    // module already there stays.
    if (is_module && registry_.has_module(d.args[0])) {
        return {};
    }
    if (is_module && options_.module_unavailable) {
        const Directive* path = stack_.front().context.find("ModulePath");
        if (auto reason = options_.module_unavailable(d, path != nullptr ? path->args.at(0) : std::string())) {
            warn(d.where, str_cat("LoadModule ", d.args[0], ": ", *reason,
                                  "; not loaded, and its <IfModule> sections count as absent"));
            return {};
        }
    }
    if (!options_.load_module) {
        if (is_module) {
            return error_at(d.where, str_cat("LoadModule: ", d.args[0],
                                             " is not built into wardftpd and no module loader is available here"));
        }
        return error_at(d.where, str_cat("LoadFile: cannot load '", d.args[0], "': no module loader is available here"));
    }
    auto specs = options_.load_module(d);
    if (!specs) {
        return error_at(d.where, str_cat(spec.name, " ", d.args[0], ": ", specs.error().message));
    }
    if (!is_module && specs->empty()) {
        return {};
    }
    if (auto added = registry_.add_module(d.args[0], std::move(*specs)); !added) {
        return error_at(d.where, str_cat(spec.name, ": ", added.error().message));
    }
    return {};
}

std::string ConfigBuilder::not_allowed(std::string_view what, ContextMask allowed) const {
    const Context& here = stack_.back().context;
    if (here.kind == ContextKind::server) {
        return str_cat(what, " is not allowed in the server config (allowed in: ", context_list(allowed), ")");
    }
    std::string section = str_cat("<", context_name(here.kind));
    for (const auto& arg : here.args) {
        section += str_cat(" ", arg);
    }
    section += str_cat("> opened at ", to_string(here.where));
    // proftpd.conf only: in TOML a table ends where the next one starts, so no closing tag can be missing.
    const bool outer_allows = !here.where.file.ends_with(".toml") && std::any_of(stack_.begin(), stack_.end() - 1, [allowed](const Frame& frame) {
        return (allowed & context_bit(frame.context.kind)) != 0;
    });
    const std::string hint =
        outer_allows ? str_cat("; is its </", context_name(here.kind), "> missing before this line?") : std::string();
    return str_cat(what, " is not allowed in ", section, hint, " (allowed in: ", context_list(allowed), ")");
}

Result<void> ConfigBuilder::check_section(ContextKind kind, const Token& name, const std::vector<Token>& args) const {
    const ContextKind here = current_kind();
    ContextMask allowed = 0;
    switch (kind) {
        case ContextKind::global:
        case ContextKind::virtual_host:
            allowed = contexts::server;
            break;
        case ContextKind::anonymous:
            allowed = contexts::servers;
            break;
        case ContextKind::directory:
            allowed = contexts::servers_anon;
            break;
        case ContextKind::limit:
            allowed = contexts::servers_anon_dir;
            break;
        case ContextKind::connection_class:
            allowed = contexts::server | contexts::global;  // ProFTPD: server config and <Global>
            break;
        case ContextKind::server:
            break;
    }
    const std::string label = str_cat("<", context_name(kind), ">");
    if ((allowed & context_bit(here)) == 0) {
        return error_at(name.where, not_allowed(label, allowed));
    }
    const auto arg_error = [&](std::size_t i, std::string_view message) {
        return error_at(location_of(name, args, i), str_cat(label, ": ", message));
    };
    switch (kind) {
        case ContextKind::global:
            if (!args.empty()) {
                return arg_error(0, "takes no arguments");
            }
            break;
        case ContextKind::virtual_host:
            if (args.empty()) {
                return arg_error(0, "needs at least one address");
            }
            for (std::size_t i = 0; i < args.size(); ++i) {
                if (auto problem = check::address_or_host(args[i].text)) {
                    return arg_error(i, *problem);
                }
            }
            break;
        case ContextKind::anonymous: {
            if (args.size() != 1) {
                return arg_error(args.size() > 1 ? 1 : 0, "takes one directory");
            }
            const auto& dir = args[0].text;
            if (!dir.starts_with('/') && !dir.starts_with('~')) {
                return arg_error(0, str_cat("'", dir, "' must be an absolute path or ~user"));
            }
            break;
        }
        case ContextKind::directory: {
            if (args.size() != 1) {
                return arg_error(args.size() > 1 ? 1 : 0, "takes one path");
            }
            const auto& path = args[0].text;
            if (path.empty()) {
                return arg_error(0, "the path is empty");
            }
            if (!path.starts_with('/') && !path.starts_with('~') && here != ContextKind::anonymous) {
                return arg_error(0, str_cat("'", path, "': a relative path is only allowed inside <Anonymous>"));
            }
            break;
        }
        case ContextKind::limit:
            if (args.empty()) {
                return arg_error(0, "needs one or more commands");
            }
            for (std::size_t i = 0; i < args.size(); ++i) {
                if (auto problem = check::command_list(args[i].text)) {
                    return arg_error(i, *problem);
                }
            }
            break;
        case ContextKind::connection_class:
            if (args.size() != 1) {
                return arg_error(args.size() > 1 ? 1 : 0, "takes one class name");
            }
            break;
        case ContextKind::server:
            break;
    }
    return {};
}

Result<void> ConfigBuilder::open_section(ContextKind kind, const Token& name, const std::vector<Token>& args) {
    if (auto counted = count(name.where); !counted) {
        return counted;
    }
    if (auto checked = check_section(kind, name, args); !checked) {
        return checked;
    }
    if (auto nested = enter_nesting(name.where); !nested) {
        return nested;
    }
    Frame frame;
    frame.context.kind = kind;
    frame.context.where = name.where;
    for (const auto& a : args) {
        frame.context.args.push_back(a.text);
    }
    stack_.push_back(std::move(frame));
    return {};
}

Result<void> ConfigBuilder::close_section(ContextKind kind, const Token& name) {
    if (stack_.size() < 2) {
        return error_at(name.where, str_cat("</", context_name(kind), "> without an open <", context_name(kind), ">"));
    }
    const Context& open = stack_.back().context;
    if (open.kind != kind) {
        return error_at(name.where, str_cat("</", context_name(kind), "> closes <", context_name(open.kind),
                                            "> opened at ", to_string(open.where)));
    }
    Context done = std::move(stack_.back().context);
    stack_.pop_back();
    if (done.kind == ContextKind::connection_class && done.find("From") == nullptr) {
        warn(done.where, str_cat("<Class ", done.args.front(), "> has no From rule, so no client is in it (ProFTPD "
                                 "drops an empty <Class> the same way)"));
    }
    stack_.back().context.children.push_back(std::move(done));
    leave_nesting();
    return {};
}

Result<Config> ConfigBuilder::finish() {
    if (stack_.size() > 1) {
        const Context& open = stack_.back().context;
        return error_at(open.where, str_cat("<", context_name(open.kind), "> is never closed"));
    }
    Config config;
    config.warnings = std::move(warnings_);
    config.root = std::move(stack_.back().context);
    config.source = source_;
    return config;
}

}  // namespace ward::config
