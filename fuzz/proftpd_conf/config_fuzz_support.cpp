#include "fuzz/proftpd_conf/config_fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "config/server.hpp"
#include "config/validators.hpp"

namespace ward::config::fuzz {
namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "property violated: %s\n%s\n", what, detail.c_str());
    std::abort();
}

bool holds_env_syntax(const Context& c) {
    for (const auto& d : c.directives) {
        for (const auto& a : d.args) {
            if (a.find("%{env:") != std::string::npos) {
                return true;
            }
        }
    }
    for (const auto& a : c.args) {
        if (a.find("%{env:") != std::string::npos) {
            return true;
        }
    }
    for (const auto& child : c.children) {
        if (holds_env_syntax(child)) {
            return true;
        }
    }
    return false;
}

}  // namespace

LoadOptions sandboxed_options() {
    LoadOptions options;
    options.defines = {"FUZZ"};
    options.limits.max_directives = 5000;
    options.env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "UNSET") {
            return std::nullopt;
        }
        return std::string("v");
    };
    options.include = [](std::string_view pattern, const Limits&) -> Result<std::vector<IncludedFile>> {
        if (pattern == "/fuzz/inc.conf") {
            return std::vector<IncludedFile>{{"/fuzz/inc.conf", "ExecEnviron INCLUDED yes\n"}};
        }
        if (pattern == "/fuzz/self.conf") {
            return std::vector<IncludedFile>{{"/fuzz/self.conf", "Include /fuzz/self.conf\n"}};
        }
        return Error{"no such file in the fuzz sandbox"};
    };
    options.load_module = [](const Directive& d) -> Result<std::vector<DirectiveSpec>> {
        if (d.args.at(0) != "mod_fuzz.c") {
            return Error{"no such module in the fuzz sandbox"};
        }
        return std::vector<DirectiveSpec>{DirectiveSpec{"FuzzValue", "", contexts::servers_anon_dir, 1, 3, true,
                                                        check::each([](std::string_view v) {
                                                            return check::identifier(v);
                                                        }),
                                                        "FuzzValue name [name [name]]"}};
    };
    return options;
}

void check_accepted(const Config& config, const LoadOptions& options) {
    const std::string toml = to_toml(config);
    auto again = parse_toml_text(toml, "converted.toml", options);
    if (!again) {
        fail("to_toml output does not parse", again.error().message + "\n" + toml);
    }
    if (!equivalent(config, *again)) {
        fail("to_toml output parses to a different model", toml);
    }
    const std::string conf = to_proftpd(config);
    if (!holds_env_syntax(config.root)) {
        auto back = parse_proftpd_text(conf, "converted.conf", options);
        if (!back) {
            fail("to_proftpd output does not parse", back.error().message + "\n" + conf);
        }
        if (!equivalent(config, *back)) {
            fail("to_proftpd output parses to a different model", conf);
        }
    }
    auto set = ServerSet::build(std::make_shared<const Config>(config), BuildOptions{[](std::string_view) {
                                    return std::optional<std::string>("/home/fuzz");
                                }});
    if (!set) {
        return;
    }
    const Principal who{"ftp", {"ftp", "users"}, "192.0.2.1", true, {}};
    for (const auto& server : set->servers()) {
        const Context* anon = server.anonymous_for("ftp");
        (void)server.get_for_path("Umask", "/srv/ftp/pub/file", anon, "/srv/ftp");
        (void)server.get_all_for_path("ExecOnCommand", "/home/fuzz/a", nullptr, "/home/fuzz");
        (void)server.allowed("STOR", "/srv/ftp/incoming/x", anon, "/srv/ftp", who);
        (void)server.allowed("LOGIN", "", nullptr, "/home/ftp", who);
    }
    (void)set->match("192.0.2.1", 21);
}

}  // namespace ward::config::fuzz
