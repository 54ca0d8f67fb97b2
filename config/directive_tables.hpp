#pragma once
// The built-in directive tables, one function per group of modules (registry.cpp joins them).
#include <vector>

#include "config/registry.hpp"

namespace ward::config::tables {

void add_core(std::vector<DirectiveSpec>& out);     // mod_core, mod_xfer, mod_auth*, mod_ls, mod_log, mod_ctrls
void add_access(std::vector<DirectiveSpec>& out);   // <Limit> access directives
void add_modules(std::vector<DirectiveSpec>& out);  // mod_exec, mod_cap, mod_dso (and wardftpd's own)
void add_compat(std::vector<DirectiveSpec>& out);   // the rest of ProFTPD's listed modules: no effect or refused
void add_proxy(std::vector<DirectiveSpec>& out);    // mod_proxy_protocol (and ProxyProtocolTrustedProxies)
void add_sql(std::vector<DirectiveSpec>& out);      // mod_sql, mod_sql_passwd (mod_sql_sqlite, mod_sql_postgres)
void add_tls(std::vector<DirectiveSpec>& out);      // mod_tls
void add_metrics(std::vector<DirectiveSpec>& out);  // mod_prometheus (PrometheusEngine, PrometheusExporter)

// Builds one spec; repeatable directives say so with repeat = true.
DirectiveSpec make(const char* name, const char* module, ContextMask contexts, std::size_t min_args,
                   std::size_t max_args, std::string syntax, ArgValidator validate = {}, bool repeat = false);

// Status markers: accepted with a warning saying why (honoured: arguments that need none), refused with the
// reason, implemented in a branch in progress, or repeated with the last occurrence applying.
DirectiveSpec no_effect(DirectiveSpec spec, std::string why, HonouredCheck honoured = {});
DirectiveSpec refused(DirectiveSpec spec, std::string why);
DirectiveSpec last_wins(DirectiveSpec spec);
// HonouredCheck: the first argument is this on/off value.
HonouredCheck when_flag(bool value);
// HonouredCheck: whatever the arguments (what wardftpd does is what the directive can ask for).
HonouredCheck always();

}  // namespace ward::config::tables
