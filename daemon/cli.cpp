#include "daemon/cli.hpp"

#include <string_view>

#include "base/strings.hpp"

namespace ward::daemon {
namespace {

constexpr int kMaxDebugLevel = 10;

struct OptionSpec {
    std::string_view long_name;
    char short_name;
    bool takes_value;
};

constexpr OptionSpec kOptions[] = {
    {"config", 'c', true},      {"nodaemon", 'n', false}, {"quiet", 'q', false},
    {"configtest", 't', false}, {"list", 'l', false},      {"settings", 'V', false},
    {"version", 'v', false},    {"nofork", 'X', false},    {"help", 'h', false},
    {"debug", 'd', true},       {"define", 'D', true},     {"print-config", '\0', true},
    {"version-status", '\0', false},
};

const OptionSpec* find_short(char c) {
    for (const auto& spec : kOptions) {
        if (spec.short_name == c && c != '\0') {
            return &spec;
        }
    }
    return nullptr;
}

const OptionSpec* find_long(std::string_view name) {
    for (const auto& spec : kOptions) {
        if (spec.long_name == name) {
            return &spec;
        }
    }
    return nullptr;
}

Result<void> apply(CommandLine& out, const OptionSpec& spec, std::string_view value) {
    if (spec.long_name == "config") {
        out.config_file = std::string(value);
    } else if (spec.long_name == "nodaemon") {
        out.foreground = true;
    } else if (spec.long_name == "quiet") {
        out.quiet = true;
    } else if (spec.long_name == "configtest") {
        out.config_test = true;
    } else if (spec.long_name == "list") {
        out.list_modules = true;
    } else if (spec.long_name == "settings") {
        out.show_settings = true;
    } else if (spec.long_name == "version") {
        ++out.version_level;
    } else if (spec.long_name == "version-status") {
        out.version_level = 2;
    } else if (spec.long_name == "nofork") {
        out.no_fork = true;
        out.foreground = true;
    } else if (spec.long_name == "help") {
        out.help = true;
    } else if (spec.long_name == "debug") {
        const auto level = parse_unsigned<unsigned>(value);
        if (!level || *level > kMaxDebugLevel) {
            return Error{str_cat("-d: debug level must be 0..", kMaxDebugLevel, ", not '", value, "'")};
        }
        out.debug_level = static_cast<int>(*level);
    } else if (spec.long_name == "define") {
        if (value.empty()) {
            return Error{"-D: a name is required"};
        }
        out.defines.emplace_back(value);
    } else if (spec.long_name == "print-config") {
        if (value != "toml" && value != "proftpd") {
            return Error{str_cat("--print-config: format must be 'toml' or 'proftpd', not '", value, "'")};
        }
        out.print_config = std::string(value);
    }
    return {};
}

}  // namespace

Result<CommandLine> parse_command_line(std::span<const char* const> args) {
    CommandLine out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i] != nullptr ? args[i] : "";
        if (arg.starts_with("--")) {
            std::string_view name = arg.substr(2);
            std::string_view value;
            bool has_inline_value = false;
            if (const auto eq = name.find('='); eq != std::string_view::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                has_inline_value = true;
            }
            const OptionSpec* spec = find_long(name);
            if (spec == nullptr) {
                return Error{str_cat("unknown option '", arg, "' (try --help)")};
            }
            if (spec->takes_value && !has_inline_value) {
                if (i + 1 >= args.size()) {
                    return Error{str_cat("option '--", name, "' needs a value")};
                }
                value = args[++i];
            } else if (!spec->takes_value && has_inline_value) {
                return Error{str_cat("option '--", name, "' takes no value")};
            }
            if (auto applied = apply(out, *spec, value); !applied) {
                return std::move(applied).error();
            }
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            return Error{str_cat("unexpected argument '", arg, "' (try --help)")};
        }
        // Bundled short options: -nt, -vv, -d5, -cFILE.
        for (std::size_t j = 1; j < arg.size(); ++j) {
            const OptionSpec* spec = find_short(arg[j]);
            if (spec == nullptr) {
                return Error{str_cat("unknown option '-", arg[j], "' (try --help)")};
            }
            std::string_view value;
            if (spec->takes_value) {
                if (j + 1 < arg.size()) {
                    value = arg.substr(j + 1);
                } else if (i + 1 < args.size()) {
                    value = args[++i];
                } else {
                    return Error{str_cat("option '-", arg[j], "' needs a value")};
                }
                j = arg.size();
            }
            if (auto applied = apply(out, *spec, value); !applied) {
                return std::move(applied).error();
            }
        }
    }
    return out;
}

std::string usage_text(std::string_view program) {
    return str_cat("usage: ", program, " [options]\n",
                   "  -c, --config FILE     configuration file (proftpd.conf syntax, or TOML if it ends in .toml);\n"
                   "                        without it the embedded default configuration is used\n"
                   "  -t, --configtest      check the configuration and exit (0 when it is fine)\n"
                   "  -n, --nodaemon        stay in the foreground and log to stderr\n"
                   "  -q, --quiet           with -n, print nothing on stderr\n"
                   "  -d, --debug LEVEL     debug level 0..10\n"
                   "  -D, --define NAME     define NAME for <IfDefine>\n"
                   "  -l, --list            list compiled-in modules\n"
                   "  -V, --settings        print version and build settings\n"
                   "  -v, --version         print the version\n"
                   "  -X, --nofork          serve one session without forking, then exit (debugging)\n"
                   "      --print-config FORMAT\n"
                   "                        print the configuration as 'toml' or 'proftpd' and exit\n"
                   "  -h, --help            this text\n");
}

}  // namespace ward::daemon
