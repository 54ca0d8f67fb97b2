#include "config/directives_doc.hpp"

#include <array>
#include <map>

#include "base/strings.hpp"
#include "config/registry.hpp"

namespace ward::config {
namespace {

// A table cell: '|' would end the cell early.
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else {
            out += c;
        }
    }
    return out;
}

std::string why(const DirectiveSpec& spec) {
    switch (spec.status) {
        case Status::implemented:
            return spec.note;  // empty, or what of it is not (TLSRequired's data forms)
        case Status::no_effect:
            return str_cat(spec.note, spec.honoured ? " (no warning when the value asks for what wardftpd does)" : "");
        case Status::refused:
            return spec.note;
    }
    return std::string();
}

constexpr std::string_view kPreamble = R"(# Directives

Generated from the directive registry (`config/directives_*.cpp`) by `directives_doc --write docs/directives.md`;
the test `unit.directives_doc_check` fails when this file and the registry differ. Every directive of every module
`wardftpd -l` lists has exactly one status:

- **implemented**: the daemon reads it (`tests/config/directive_readers_test.cpp` finds the reader of every one,
  and fails for a registered directive nothing reads or a lookup of a name the registry does not have);
- **implemented (reader in progress)**: the reader is being written on the branch named;
- **no effect here**: accepted with ProFTPD's grammar and contexts, and a warning at `-t` and at start-up naming
  file:line and why (no warning where the value asks for what wardftpd does anyway, e.g. `WtmpLog off`);
- **refused**: an error naming the reason, where ProFTPD's meaning would leave a restriction unenforced or weaken
  a security property.

Values are read as ProFTPD reads them: timeouts as durations (`30`, `30s`, `20m`, `1h`, `hh:mm:ss`), flags as
`on|off|yes|no|true|false|1|0`. A non-repeatable directive given twice in one context is accepted with
ProFTPD's precedence (the first occurrence, as `find_config`; the last for `Port` and `ServerName`, which
ProFTPD stores in the server record) and a warning naming both lines.

Where ProFTPD's meaning would put root into a process that parses network bytes, wardftpd keeps the property and
makes the configuration work anyway: `User root` (which ProFTPD's own test suite writes when run as root) runs
the pre-auth workers as `nobody`, with a warning naming the line; `Group` naming group 0 keeps that account's
group. `CapabilitiesSet` names wardftpd refuses fail `-t` with the message start-up gives.
)";

}  // namespace

std::string directives_markdown() {
    std::map<std::string, std::array<std::size_t, 3>> counts;  // module -> implemented, no effect, refused
    std::string out(kPreamble);
    out += "\n## Counts\n\n| module | implemented | no effect here | refused |\n|---|---|---|---|\n";
    for (const auto module : builtin_modules()) {
        std::array<std::size_t, 3> n{};
        for (const auto& spec : builtin_directives()) {
            if (spec.module == module) {
                const bool done = spec.status == Status::implemented;
                ++n[done ? 0 : spec.status == Status::no_effect ? 1 : 2];
            }
        }
        out += str_cat("| ", module, " | ", n[0], " | ", n[1], " | ", n[2], " |\n");
    }
    for (const auto module : builtin_modules()) {
        out += str_cat("\n## ", module, "\n\n| directive | contexts | syntax | status | why |\n|---|---|---|---|---|\n");
        for (const auto& spec : builtin_directives()) {
            if (spec.module != module) {
                continue;
            }
            out += str_cat("| `", spec.name, "` | `", cell(context_list(spec.contexts)), "` | `", cell(spec.syntax),
                           "` | ", status_name(spec.status), " | ", cell(why(spec)), " |\n");
        }
    }
    return out;
}

}  // namespace ward::config
