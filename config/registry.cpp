#include "config/registry.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/values.hpp"

namespace ward::config {
namespace {

// Debian's proftpd -l order, with mod_exec, mod_proxy_protocol and mod_tls built in, mod_sql with its
// mod_sql_passwd, mod_sql_sqlite and mod_sql_postgres, then mod_prometheus (the metrics endpoint).
constexpr std::array<std::string_view, 24> kBuiltinModules = {
    "mod_core.c", "mod_xfer.c",     "mod_rlimit.c", "mod_auth_unix.c", "mod_auth_file.c", "mod_auth.c",
    "mod_ls.c",   "mod_log.c",      "mod_site.c",   "mod_delay.c",     "mod_facts.c",     "mod_dso.c",
    "mod_auth_pam.c", "mod_cap.c",  "mod_ctrls.c",  "mod_lang.c",      "mod_sql.c",       "mod_sql_passwd.c",
    "mod_sql_sqlite.c", "mod_sql_postgres.c", "mod_exec.c", "mod_proxy_protocol.c", "mod_tls.c", "mod_prometheus.c"};

// Well-known ProFTPD directives of modules wardftpd does not have: exact names first, then prefixes.
constexpr auto kForeignNames = std::to_array<std::pair<std::string_view, std::string_view>>({
    {"Ratios", "mod_ratio.c"},           {"UserRatio", "mod_ratio.c"},         {"GroupRatio", "mod_ratio.c"},
    {"AnonRatio", "mod_ratio.c"},        {"HostRatio", "mod_ratio.c"},         {"FileRatioErrMsg", "mod_ratio.c"},
    {"ByteRatioErrMsg", "mod_ratio.c"},  {"CwdRatioMsg", "mod_ratio.c"},       {"LeechRatioMsg", "mod_ratio.c"},
    {"SaveRatios", "mod_ratio.c"},       {"RatioFile", "mod_ratio.c"},         {"RatioTempFile", "mod_ratio.c"},
    {"TCPAccessFiles", "mod_wrap.c"},    {"TCPAccessSyslogLevels", "mod_wrap.c"},
    {"TCPGroupAccessFiles", "mod_wrap.c"}, {"TCPServiceName", "mod_wrap.c"},   {"TCPUserAccessFiles", "mod_wrap.c"},
    {"DynMasqRefresh", "mod_dynmasq.c"}, {"AdminControlsEngine", "mod_ctrls_admin.c"},
    {"AdminControlsACLs", "mod_ctrls_admin.c"}, {"MaxLoad", "mod_load.c"},     {"FACLEngine", "mod_facl.c"},
    {"DisplayReadme", "mod_readme.c"},   {"UniqueIDEngine", "mod_unique_id.c"}, {"QoSOptions", "mod_qos.c"},
    {"IfUser", "mod_ifsession.c"},       {"IfGroup", "mod_ifsession.c"},       {"IfClass", "mod_ifsession.c"},
    {"IfAuthenticated", "mod_ifsession.c"},
});

constexpr auto kForeignPrefixes = std::to_array<std::pair<std::string_view, std::string_view>>({
    {"LDAP", "mod_ldap.c"},
    {"Quota", "mod_quotatab.c"},  {"Rewrite", "mod_rewrite.c"},   {"Ban", "mod_ban.c"},
    {"SFTP", "mod_sftp.c"},         {"Radius", "mod_radius.c"},
    {"Wrap", "mod_wrap2.c"},      {"GeoIP", "mod_geoip.c"},       {"Memcache", "mod_memcache.c"},
    {"Redis", "mod_redis.c"},     {"SNMP", "mod_snmp.c"},         {"Copy", "mod_copy.c"},
    {"Deflate", "mod_deflate.c"}, {"Shaper", "mod_shaper.c"},     {"SiteMisc", "mod_site_misc.c"},
    {"StatCache", "mod_statcache.c"}, {"DNSBL", "mod_dnsbl.c"},
    {"Digest", "mod_digest.c"},
});

struct BuiltinTable {
    std::vector<DirectiveSpec> specs;
    std::unordered_map<std::string, std::size_t> index;  // lower-case name -> specs
};

const BuiltinTable& builtin_table() {
    static const BuiltinTable table = [] {
        BuiltinTable t;
        tables::add_core(t.specs);
        tables::add_access(t.specs);
        tables::add_modules(t.specs);
        tables::add_compat(t.specs);
        tables::add_proxy(t.specs);
        tables::add_sql(t.specs);
        tables::add_tls(t.specs);
        tables::add_metrics(t.specs);
        for (std::size_t i = 0; i < t.specs.size(); ++i) {
            t.index.emplace(to_lower(t.specs[i].name), i);
        }
        return t;
    }();
    return table;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t cost = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::span<const std::string_view> builtin_modules() noexcept { return kBuiltinModules; }

std::string context_list(ContextMask mask) {
    std::string out;
    for (const auto kind : {ContextKind::server, ContextKind::global, ContextKind::virtual_host, ContextKind::anonymous,
                            ContextKind::directory, ContextKind::limit, ContextKind::connection_class}) {
        if ((mask & context_bit(kind)) != 0) {
            out += out.empty() ? "" : ", ";
            out += kind == ContextKind::server ? std::string("server config") : str_cat("<", context_name(kind), ">");
        }
    }
    return out;
}

std::string_view status_name(Status status) noexcept {
    switch (status) {
        case Status::implemented:
            return "implemented";
        case Status::no_effect:
            return "no effect here";
        case Status::refused:
            return "refused";
    }
    return "implemented";
}

std::string module_file_name(std::string_view name) {
    if (name.ends_with(".c")) {
        return std::string(name);
    }
    return str_cat(name, ".c");
}

bool is_builtin_module(std::string_view name) noexcept {
    const bool with_suffix = name.ends_with(".c");
    for (const auto module : kBuiltinModules) {
        if (with_suffix ? module == name : module.substr(0, module.size() - 2) == name) {
            return true;
        }
    }
    return false;
}

std::optional<std::string_view> foreign_module_for(std::string_view directive) noexcept {
    for (const auto& [name, module] : kForeignNames) {
        if (iequals(name, directive)) {
            return module;
        }
    }
    for (const auto& [prefix, module] : kForeignPrefixes) {
        if (istarts_with(directive, prefix) && directive.size() > prefix.size()) {
            return module;
        }
    }
    return std::nullopt;
}

std::optional<std::string> unprovided_security(std::string_view directive, std::span<const std::string_view> args) {
    const bool on = !args.empty() && parse_bool(args[0]).value_or(false);
    if ((iequals(directive, "WrapEngine") && on) || istarts_with(directive, "TCPAccessFiles") ||
        iequals(directive, "TCPUserAccessFiles") || iequals(directive, "TCPGroupAccessFiles") ||
        (istarts_with(directive, "Wrap") && directive.size() > 6 &&
         iequals(directive.substr(directive.size() - 6), "Tables"))) {
        return std::string("these host access rules (mod_wrap) are not enforced; write them as <Limit LOGIN> "
                           "Allow/Deny rules");
    }
    if ((iequals(directive, "BanEngine") && on) || iequals(directive, "BanOnEvent")) {
        return std::string("mod_ban's bans are not enforced; MaxLoginAttempts and MaxConnectionRate apply");
    }
    if (iequals(directive, "QuotaEngine") && on) {
        return std::string("quotas are not enforced; use filesystem quotas");
    }
    return std::nullopt;
}

const std::vector<DirectiveSpec>& builtin_directives() { return builtin_table().specs; }

Registry::Registry() = default;

const DirectiveSpec* Registry::find(std::string_view name) const {
    const std::string key = to_lower(name);
    const auto& table = builtin_table();
    if (const auto it = table.index.find(key); it != table.index.end()) {
        return &table.specs[it->second];
    }
    if (const auto it = added_index_.find(key); it != added_index_.end()) {
        return &added_[it->second];
    }
    return nullptr;
}

Result<void> Registry::add_module(std::string_view module, std::vector<DirectiveSpec> specs) {
    for (auto& spec : specs) {
        if (const auto* existing = find(spec.name)) {
            return Error{str_cat("module ", module, " declares ", spec.name, ", which ", existing->module,
                                 " already provides")};
        }
        spec.module = std::string(module);
        added_index_.emplace(to_lower(spec.name), added_.size());
        added_.push_back(std::move(spec));
    }
    added_modules_.push_back(module_file_name(module));
    return {};
}

bool Registry::has_module(std::string_view name) const {
    if (is_builtin_module(name)) {
        return true;
    }
    const std::string file = module_file_name(name);
    return std::find(added_modules_.begin(), added_modules_.end(), file) != added_modules_.end();
}

std::vector<std::string> Registry::all_names() const {
    std::vector<std::string> out;
    for (const auto& spec : builtin_table().specs) {
        out.push_back(spec.name);
    }
    for (const auto& spec : added_) {
        out.push_back(spec.name);
    }
    return out;
}

std::string Registry::closest(std::string_view name) const {
    constexpr std::size_t kLongestName = 64;  // no directive is longer; a longer word is not a typo of one
    std::string best;
    if (name.size() > kLongestName) {
        return best;
    }
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& candidate : all_names()) {
        const std::size_t gap = candidate.size() > name.size() ? candidate.size() - name.size()
                                                               : name.size() - candidate.size();
        if (gap >= best_distance) {
            continue;
        }
        const std::size_t d = edit_distance(name, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

}  // namespace ward::config
