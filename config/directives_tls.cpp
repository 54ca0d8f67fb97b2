// mod_tls's 43 directives (ProFTPD 1.3.8, doc/contrib/mod_tls.html), with ProFTPD's grammar and contexts; the
// values are checked by config/tls_values.* so -t names a bad protocol, TLSRequired form or TLSOptions word with
// file:line. FTPS is not served by the session yet (the key-isolation core in daemon/tls, daemon/master/
// key_process.* and daemon/monitor/key_signer.* is built; AUTH TLS, PROT P and the login hand-over are not):
// so `TLSEngine on` and every TLSRequired form that asks for TLS are refused, rather than letting a
// configuration that asks for encrypted logins run in clear text, and the other settings have no effect here
// (a warning at -t and start-up, as ProFTPD's own settings do nothing while TLSEngine is off).
#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/tls_values.hpp"
#include "config/validators.hpp"
#include "config/values.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr const char* kModule = "mod_tls.c";
constexpr std::uint64_t kMaxDepth = 100;
constexpr const char* kNotServed =
    "FTPS is not served by this build yet (TLSEngine on is refused), so there is no TLS for this setting to "
    "apply to";
constexpr const char* kRefusedWhy =
    "FTPS is not served by this build yet; accepting it would let logins and data that are meant to be "
    "encrypted go in clear text";

// A value check from one of tls_values' parsers: the parser's words are the problem.
template <typename Parse>
ValueCheck parsed_by(Parse parse) {
    return [parse](std::string_view v) -> Problem {
        auto parsed = parse(v);
        if (!parsed) {
            return std::move(parsed).error().message;
        }
        return std::nullopt;
    };
}

// TLSEngine on|off: on is refused (see the file's comment).
std::optional<ArgProblem> engine(std::span<const std::string> args) {
    const auto value = parse_bool(args[0]);
    if (!value) {
        return ArgProblem{0, str_cat("expected on or off, not '", args[0], "'")};
    }
    if (*value) {
        return ArgProblem{0, str_cat("TLSEngine on is refused: ", kRefusedWhy)};
    }
    return std::nullopt;
}

// TLSRequired form: every form that asks for TLS somewhere is refused; off and the "!" forms that only forbid
// it (what a server without TLS does) are accepted.
std::optional<ArgProblem> required(std::span<const std::string> args) {
    const auto form = tls_values::parse_required(args[0]);
    if (!form) {
        return ArgProblem{0, form.error().message};
    }
    if (form->auth || form->control == tls_values::Need::required || form->data == tls_values::Need::required) {
        return ArgProblem{0, str_cat("TLSRequired ", args[0], " is refused: ", kRefusedWhy)};
    }
    return std::nullopt;
}

// TLSProtocol name [+name|-name ...]
std::optional<ArgProblem> protocol(std::span<const std::string> args) {
    const auto parsed = tls_values::parse_protocols(args);
    if (!parsed) {
        return ArgProblem{args.size(), parsed.error().message};
    }
    return std::nullopt;
}

// TLSOptions word ...: unknown words and the options refused by tls_values are errors.
std::optional<ArgProblem> options(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto option = tls_values::find_option(args[i]);
        if (!option) {
            return ArgProblem{i, option.error().message};
        }
        if (option->status == tls_values::OptionStatus::refused) {
            return ArgProblem{i, str_cat(option->name, " is refused: ", option->why)};
        }
    }
    return std::nullopt;
}

// TLSControlsACLs' first word: mod_tls's control actions, or all.
Problem control_actions(std::string_view v) {
    for (const auto action : split(v, ',')) {
        if (auto problem = one_of(action, {"all", "clear", "info", "sesscache"})) {
            return str_cat("unknown TLS control action: ", *problem);
        }
    }
    return std::nullopt;
}

ValueCheck path() {
    return [](std::string_view v) { return absolute_path(v); };
}

// Each mod_tls directive except TLSEngine and TLSRequired: accepted with its grammar, no effect here.
DirectiveSpec unserved(DirectiveSpec spec) { return no_effect(std::move(spec), kNotServed); }

}  // namespace

void add_tls(std::vector<DirectiveSpec>& out) {
    const auto file = [](const char* name, ContextMask ctx) {
        return unserved(make(name, kModule, ctx, 1, 1, str_cat(name, " /path/to/file"), each(path())));
    };
    const auto flag = [](const char* name) {
        return unserved(make(name, kModule, cx::servers, 1, 1, str_cat(name, " on|off"), each(boolean_check())));
    };

    out.push_back(no_effect(make("TLSEngine", kModule, cx::servers, 1, 1, "TLSEngine on|off", engine),
                            str_cat("on is refused: ", kRefusedWhy, "; off is what wardftpd does"), when_flag(false)));
    out.push_back(no_effect(make("TLSRequired", kModule, cx::servers_anon_dir, 1, 1,
                                 "TLSRequired on|off|ctrl|data|auth|!data|ctrl+data|ctrl+!data|auth+data|auth+!data|"
                                 "!ctrl|!ctrl+data",
                                 required),
                            "FTPS is not served by this build yet, so TLS is never used: the forms that forbid it "
                            "hold, every form that asks for it is refused",
                            always()));
    out.push_back(unserved(make("TLSProtocol", kModule, cx::servers, 1, kAnyNumber,
                                "TLSProtocol TLSv1.2|TLSv1.3|SSLv23|ALL [+name|-name ...]", protocol)));
    out.push_back(file("TLSRSACertificateFile", cx::servers));
    out.push_back(file("TLSRSACertificateKeyFile", cx::servers));
    out.push_back(file("TLSECCertificateFile", cx::servers));
    out.push_back(file("TLSECCertificateKeyFile", cx::servers));
    out.push_back(file("TLSDSACertificateFile", cx::servers));
    out.push_back(file("TLSDSACertificateKeyFile", cx::servers));
    out.push_back(file("TLSCertificateChainFile", cx::servers));
    out.push_back(file("TLSCACertificateFile", cx::servers));
    out.push_back(unserved(make("TLSCACertificatePath", kModule, cx::servers, 1, 1, "TLSCACertificatePath /path/to/dir",
                                each(path()))));
    out.push_back(file("TLSCARevocationFile", cx::servers));
    out.push_back(unserved(make("TLSCARevocationPath", kModule, cx::servers, 1, 1, "TLSCARevocationPath /path/to/dir",
                                each(path()))));
    // Given once for TLS 1.2's list and once more with TLSv1.3 for its suites.
    out.push_back(unserved(make("TLSCipherSuite", kModule, cx::servers, 1, 2, "TLSCipherSuite [TLSv1.3] cipher-list",
                                {}, true)));
    out.push_back(flag("TLSServerCipherPreference"));
    out.push_back(unserved(make("TLSOptions", kModule, cx::servers, 1, kAnyNumber,
                                "TLSOptions NoSessionReuseRequired|UseImplicitSSL|AllowPerUser|... [...]", options,
                                true)));
    out.push_back(unserved(make("TLSVerifyClient", kModule, cx::servers, 1, 1, "TLSVerifyClient on|off|optional",
                                each(parsed_by(tls_values::parse_verify_client)))));
    out.push_back(unserved(make("TLSVerifyDepth", kModule, cx::servers, 1, 1, "TLSVerifyDepth number",
                                each(number_check(0, kMaxDepth)))));
    out.push_back(unserved(make("TLSVerifyOrder", kModule, cx::servers, 1, 2, "TLSVerifyOrder crl|ocsp [crl|ocsp]",
                                each(words_check({"crl", "ocsp"})))));
    out.push_back(unserved(make("TLSVerifyServer", kModule, cx::servers, 1, 1, "TLSVerifyServer on|off|NoReverseDNS",
                                each(words_check({"on", "off", "yes", "no", "true", "false", "1", "0",
                                                  "NoReverseDNS"})))));
    out.push_back(unserved(make("TLSTimeoutHandshake", kModule, cx::servers, 1, 1,
                                "TLSTimeoutHandshake seconds|20m|1h|hh:mm:ss", each(duration_check()))));
    out.push_back(unserved(make("TLSLog", kModule, cx::servers, 1, 1, "TLSLog /path|none",
                                each([](std::string_view v) { return absolute_path_or_none(v); }))));
    out.push_back(flag("TLSSessionTickets"));
    out.push_back(unserved(make("TLSSessionTicketKeys", kModule, cx::servers, 1, kAnyNumber,
                                "TLSSessionTicketKeys [age secs] [count num]")));
    out.push_back(unserved(make("TLSSessionCache", kModule, cx::servers, 1, 3,
                                "TLSSessionCache off|internal:|type:/info [timeout]")));
    out.push_back(unserved(make("TLSMasqueradeAddress", kModule, cx::servers, 1, 1, "TLSMasqueradeAddress address",
                                each([](std::string_view v) { return address_or_host(v); }))));
    out.push_back(unserved(make("TLSECDHCurve", kModule, cx::servers, 1, 1, "TLSECDHCurve curve[:curve...]")));
    out.push_back(unserved(make("TLSUserName", kModule, cx::servers, 1, 1,
                                "TLSUserName CommonName|EmailSubjAltName|oid")));
    out.push_back(unserved(make("TLSControlsACLs", kModule, cx::server, 4, 4,
                                "TLSControlsACLs actions|all allow|deny user|group list",
                                positional({control_actions, words_check({"allow", "deny"}),
                                            words_check({"user", "group"}), name_list}),
                                true)));
    out.push_back(unserved(make("TLSCryptoDevice", kModule, cx::server, 1, 1, "TLSCryptoDevice name|ALL|off")));
    out.push_back(file("TLSDHParamFile", cx::servers));
    out.push_back(flag("TLSNextProtocol"));
    out.push_back(unserved(make("TLSPassPhraseProvider", kModule, cx::server, 1, 1,
                                "TLSPassPhraseProvider /path/to/program", each(path()))));
    out.push_back(unserved(make("TLSPreSharedKey", kModule, cx::servers, 2, 2, "TLSPreSharedKey identity hex:/path",
                                {}, true)));
    out.push_back(file("TLSRandomSeed", cx::server));
    out.push_back(unserved(make("TLSRenegotiate", kModule, cx::servers, 1, kAnyNumber,
                                "TLSRenegotiate none|[ctrl secs] [data bytes] [required on|off] [timeout secs]")));
    out.push_back(file("TLSServerInfoFile", cx::servers));
    out.push_back(flag("TLSStapling"));
    out.push_back(unserved(make("TLSStaplingCache", kModule, cx::server, 1, 1, "TLSStaplingCache type:/info")));
    out.push_back(unserved(make("TLSStaplingOptions", kModule, cx::servers, 1, kAnyNumber,
                                "TLSStaplingOptions NoNonce|NoVerify|UseCertTLSFeature [...]",
                                each(words_check({"NoNonce", "NoVerify", "UseCertTLSFeature"})), true)));
    out.push_back(unserved(make("TLSStaplingResponder", kModule, cx::servers, 1, 1, "TLSStaplingResponder url")));
    out.push_back(unserved(make("TLSStaplingTimeout", kModule, cx::servers, 1, 1,
                                "TLSStaplingTimeout seconds|20m|1h|hh:mm:ss", each(duration_check()))));
}

}  // namespace ward::config::tables
