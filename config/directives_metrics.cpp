// ProFTPD's third-party mod_prometheus: PrometheusEngine and PrometheusExporter start the metrics endpoint
// (daemon/master/metrics_exporter.hpp); its SQLite tables and log have no counterpart here.
#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/metrics_address.hpp"
#include "config/validators.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr const char* kModule = "mod_prometheus.c";

std::optional<ArgProblem> exporter_address(std::span<const std::string> args) {
    if (args.size() > 1) {
        return ArgProblem{1, "the exporter's HTTP basic authentication (user and password) is not implemented: "
                             "listen on a loopback or internal address, or put an authenticating proxy in front"};
    }
    if (auto parsed = parse_exporter_address(args[0]); !parsed) {
        return ArgProblem{0, parsed.error().message};
    }
    return std::nullopt;
}

}  // namespace

void add_metrics(std::vector<DirectiveSpec>& out) {
    out.push_back(make("PrometheusEngine", kModule, cx::server, 1, 1, "PrometheusEngine on|off", each(boolean_check())));
    out.push_back(make("PrometheusExporter", kModule, cx::server, 1, 3, "PrometheusExporter address[:port]",
                       exporter_address));
    out.push_back(no_effect(make("PrometheusLog", kModule, cx::server, 1, 1, "PrometheusLog path|none"),
                            "the exporter writes no log of its own: its start and its end are in the SystemLog"));
    out.push_back(no_effect(make("PrometheusTables", kModule, cx::server, 1, 1, "PrometheusTables directory",
                                 each(absolute_path)),
                            "the counters live in the master's sealed shared memory, not in SQLite tables"));
}

}  // namespace ward::config::tables
