// bench_config_parse: how long wardftpd takes to read a large proftpd.conf, and to answer per-command lookups.
//   1. parse + ServerSet::build of a generated, realistic 10,000-directive proftpd.conf (<Directory>s with
//      <Limit>s and Exec hooks, <Anonymous>, <VirtualHost>s); median over --runs (goal: under 50 ms);
//   2. the same configuration as TOML;
//   3. get_for_path and allowed() with 1,400 <Directory> sections (ProFTPD scans them all per command).
// `--emit FILE` writes the generated proftpd.conf and exits: bench/run times `proftpd -t` and `wardftpd -t`
// on that same file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/load.hpp"
#include "config/server.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kGoalMs = 50.0;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Generated {
    std::string text;
    std::size_t directives = 0;  // directives and sections, as the parser counts them
};

// A configuration shaped like a large hosting site: server settings, <Global>, many per-customer directories
// with hooks and limits, anonymous areas and virtual hosts, until `target` directives.
Generated generate(std::size_t target, std::size_t directories_per_vhost) {
    Generated g;
    auto line = [&g](const std::string& text) {
        g.text += text;
        g.text += '\n';
        ++g.directives;
    };
    auto close = [&g](const std::string& text) {
        g.text += text;
        g.text += '\n';
    };
    line("ServerName \"bench\"");
    line("ServerType standalone");
    line("Port 2121");
    line("User nobody");
    line("Group nogroup");
    line("MaxInstances 200");
    line("PassivePorts 49152 65534");
    line("SystemLog /var/log/wardftpd/wardftpd.log");
    line("<Global>");
    line("  Umask 022 022");
    line("  AllowOverwrite on");
    line("  TimeoutIdle 600");
    line("  DenyFilter \\*.*/");
    line("  ExecEngine on");
    close("</Global>");
    std::size_t vhost = 0;
    std::size_t dir = 0;
    while (g.directives < target) {
        const bool in_vhost = vhost > 0;
        const std::string indent = in_vhost ? "  " : "";
        if (in_vhost) {
            line("<VirtualHost 10.0." + std::to_string(vhost / 250) + "." + std::to_string(vhost % 250 + 1) + ">");
            line("  ServerName \"customer " + std::to_string(vhost) + "\"");
            line("  Port 21");
            line("  ExecOnConnect /usr/bin/logger -t ftp-connect %a " + std::to_string(vhost));
            line("  <Anonymous /srv/anon/" + std::to_string(vhost) + ">");
            line("    User ftp");
            line("    UserAlias anonymous ftp");
            line("    <Directory *>");
            line("      <Limit WRITE>");
            line("        DenyAll");
            close("      </Limit>");
            close("    </Directory>");
            close("  </Anonymous>");
        }
        for (std::size_t i = 0; i < directories_per_vhost && g.directives < target; ++i, ++dir) {
            const std::string path = "/srv/ftp/customer" + std::to_string(dir);
            line(indent + "<Directory " + path + "/*>");
            line(indent + "  Umask 027 027");
            line(indent + "  AllowOverwrite off");
            line(indent + "  ExecOnCommand STOR,STOU /usr/bin/logger -t ftp-scan %f %u");
            line(indent + "  ExecOnError STOR /usr/bin/logger -t ftp-failed %f %s");
            line(indent + "  <Limit WRITE>");
            line(indent + "    AllowUser customer" + std::to_string(dir));
            line(indent + "    AllowGroup admins");
            line(indent + "    DenyAll");
            close(indent + "  </Limit>");
            line(indent + "  <Limit LIST NLST>");
            line(indent + "    Allow from 10.0.0.0/8");
            line(indent + "    Deny from all");
            close(indent + "  </Limit>");
            close(indent + "</Directory>");
        }
        if (in_vhost) {
            close("</VirtualHost>");
        }
        ++vhost;
    }
    return g;
}

struct Timings {
    double parse_ms;
    double total_ms;
};

Timings parse_and_build(const std::string& text, bool toml) {
    const auto start = Clock::now();
    auto config = toml ? ward::config::parse_toml_text(text, "bench.toml") : ward::config::parse_proftpd_text(text, "bench.conf");
    if (!config) {
        std::fprintf(stderr, "bench_config_parse: %s\n", config.error().message.c_str());
        std::exit(1);
    }
    const double parsed = ms_since(start);
    auto set = ward::config::ServerSet::build(std::make_shared<const ward::config::Config>(std::move(*config)));
    if (!set) {
        std::fprintf(stderr, "bench_config_parse: %s\n", set.error().message.c_str());
        std::exit(1);
    }
    return {parsed, ms_since(start)};
}

void lookup_benchmark(std::size_t sections, std::size_t lookups) {
    std::string text;
    for (std::size_t i = 0; i < sections; ++i) {
        text += "<Directory /srv/ftp/d" + std::to_string(i) + ">\n  Umask 027\n  <Limit WRITE>\n    DenyAll\n"
                "  </Limit>\n</Directory>\n";
    }
    auto config = ward::config::parse_proftpd_text(text, "lookup.conf");
    if (!config) {
        std::fprintf(stderr, "bench_config_parse: %s\n", config.error().message.c_str());
        std::exit(1);
    }
    auto set = ward::config::ServerSet::build(std::make_shared<const ward::config::Config>(std::move(*config)));
    if (!set) {
        std::exit(1);
    }
    const auto& server = set->servers().front();
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < 64; ++i) {
        paths.push_back("/srv/ftp/d" + std::to_string(i * 97 % (sections * 2)) + "/sub/dir/file" + std::to_string(i));
    }
    const ward::config::Principal who{"bob", {"users"}, "10.1.2.3", false, {}};
    std::size_t found = 0;
    auto start = Clock::now();
    for (std::size_t i = 0; i < lookups; ++i) {
        found += server.get_for_path("Umask", paths[i % paths.size()], nullptr, "/home/bob") != nullptr ? 1 : 0;
    }
    const double get_ns = ms_since(start) * 1e6 / static_cast<double>(lookups);
    start = Clock::now();
    for (std::size_t i = 0; i < lookups; ++i) {
        found += server.allowed("RETR", paths[i % paths.size()], nullptr, "/home/bob", who) ? 1 : 0;
    }
    const double allowed_ns = ms_since(start) * 1e6 / static_cast<double>(lookups);
    std::printf("lookup: %zu <Directory> sections: get_for_path %.0f ns, allowed(RETR) %.0f ns per call (%zu hits)\n",
                sections, get_ns, allowed_ns, found);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t runs = 15;
    const char* emit = nullptr;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string_view(argv[i]) == "--runs") {
            runs = std::max<std::size_t>(1, std::strtoul(argv[i + 1], nullptr, 10));
        } else if (std::string_view(argv[i]) == "--emit") {
            emit = argv[i + 1];
        }
    }
    const Generated g = generate(10'000, 40);
    if (emit != nullptr) {
        std::ofstream out(emit, std::ios::binary | std::ios::trunc);
        out << g.text;
        if (!out.flush()) {
            std::fprintf(stderr, "bench_config_parse: cannot write %s\n", emit);
            return 1;
        }
        std::printf("config_parse: wrote %zu directives, %zu bytes to %s\n", g.directives, g.text.size(), emit);
        return 0;
    }
    std::vector<double> parse;
    std::vector<double> total;
    for (std::size_t i = 0; i < runs; ++i) {
        const auto t = parse_and_build(g.text, false);
        parse.push_back(t.parse_ms);
        total.push_back(t.total_ms);
    }
    const double med = median(total);
    std::printf("config_parse: %zu directives, %zu bytes of proftpd.conf: median parse %.2f ms, parse+resolve %.2f ms "
                "over %zu runs\n",
                g.directives, g.text.size(), median(parse), med, runs);

    auto config = ward::config::parse_proftpd_text(g.text, "bench.conf");
    const std::string toml = ward::config::to_toml(*config);
    std::vector<double> toml_total;
    for (std::size_t i = 0; i < runs; ++i) {
        toml_total.push_back(parse_and_build(toml, true).total_ms);
    }
    std::printf("config_parse: the same as %zu bytes of TOML: median parse+resolve %.2f ms\n", toml.size(),
                median(toml_total));

    lookup_benchmark(1400, 200'000);

    std::printf("config_parse: %s (goal: parse+resolve of 10,000 directives under %.0f ms; median %.2f ms)\n",
                med < kGoalMs ? "PASS" : "OVER GOAL", kGoalMs, med);
    return 0;
}
