// mod_tls's 43 directives (ProFTPD 1.3.8, doc/contrib/mod_tls.html), with ProFTPD's grammar and contexts; the
// values are checked by config/tls_values.* so -t names a bad protocol, TLSRequired form or TLSOptions word with
// file:line. FTPS on the control connection is served (AUTH TLS, the login under TLS, the relay after it:
// daemon/tls/); TLS on data connections (PROT P) is not yet, so every TLSRequired form that asks for it is
// refused rather than letting data meant to be encrypted go in clear text. The certificate, protocol and
// cipher settings are applied; the rest are accepted with a warning saying why they have no effect here.
// With TLSEngine on, daemon/master/tls_files.cpp also refuses what would be silently unapplied
// (TLSVerifyClient on|optional, TLSOptions UseImplicitSSL, TLSRequired !ctrl).
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
constexpr const char* kDataRefusedWhy =
    "TLS on data connections (PROT P) is not served by this build yet; accepting it would let data that is "
    "meant to be encrypted go in clear text";

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

// TLSRequired form: the forms that ask for TLS on data connections are refused (see the file's comment).
std::optional<ArgProblem> required(std::span<const std::string> args) {
    const auto form = tls_values::parse_required(args[0]);
    if (!form) {
        return ArgProblem{0, form.error().message};
    }
    if (form->data == tls_values::Need::required) {
        return ArgProblem{0, str_cat("TLSRequired ", args[0], " is refused: ", kDataRefusedWhy)};
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

// A mod_tls directive accepted with its grammar that does nothing here, and why.
DirectiveSpec unserved(DirectiveSpec spec, const char* why) { return no_effect(std::move(spec), why); }

constexpr const char* kOtherDirectives = "this mod_tls setting is not implemented by wardftpd";
constexpr const char* kNoClientCertificates =
    "client certificates are not requested (TLSVerifyClient on|optional is refused with TLSEngine on), so "
    "there is nothing to verify against it";
constexpr const char* kNoDataTls = "TLS on data connections (PROT P) is not served by this build yet";

}  // namespace

void add_tls(std::vector<DirectiveSpec>& out) {
    // Read by tls::settings_for (daemon/tls/settings.cpp) and applied to every pre-auth worker's context.
    const auto file = [](const char* name, ContextMask ctx) {
        return make(name, kModule, ctx, 1, 1, str_cat(name, " /path/to/file"), each(path()));
    };
    const auto unused_file = [](const char* name, ContextMask ctx, const char* why) {
        return unserved(make(name, kModule, ctx, 1, 1, str_cat(name, " /path/to/file"), each(path())), why);
    };
    const auto flag = [](const char* name) {
        return make(name, kModule, cx::servers, 1, 1, str_cat(name, " on|off"), each(boolean_check()));
    };
    const auto unused_flag = [](const char* name) {
        return unserved(make(name, kModule, cx::servers, 1, 1, str_cat(name, " on|off"), each(boolean_check())),
                        kOtherDirectives);
    };

    DirectiveSpec engine = make("TLSEngine", kModule, cx::servers, 1, 1, "TLSEngine on|off", each(boolean_check()));
    engine.note = "explicit FTPS (AUTH TLS) on the control connection; the certificate's key stays in a key process "
                  "and the control connection's TLS in a confined relay after login (SECURITY.md)";
    out.push_back(std::move(engine));
    DirectiveSpec required_spec = make("TLSRequired", kModule, cx::servers_anon_dir, 1, 1,
                                       "TLSRequired on|off|ctrl|data|auth|!data|ctrl+data|ctrl+!data|auth+data|"
                                       "auth+!data|!ctrl|!ctrl+data",
                                       required);
    required_spec.note = str_cat("ctrl and auth (and their +!data forms) are enforced by the worker (550) and the "
                                 "monitor; the forms asking for data protection are refused: ", kDataRefusedWhy,
                                 "; with TLSEngine on, !ctrl forms and TLSRequired inside <Directory> or "
                                 "<Anonymous> are refused");
    out.push_back(std::move(required_spec));
    out.push_back(make("TLSProtocol", kModule, cx::servers, 1, kAnyNumber,
                       "TLSProtocol TLSv1.2|TLSv1.3|SSLv23|ALL [+name|-name ...]", protocol));
    out.push_back(file("TLSRSACertificateFile", cx::servers));
    out.push_back(file("TLSRSACertificateKeyFile", cx::servers));
    out.push_back(file("TLSECCertificateFile", cx::servers));
    out.push_back(file("TLSECCertificateKeyFile", cx::servers));
    out.push_back(unused_file("TLSDSACertificateFile", cx::servers, kOtherDirectives));
    out.push_back(unused_file("TLSDSACertificateKeyFile", cx::servers, kOtherDirectives));
    out.push_back(file("TLSCertificateChainFile", cx::servers));
    out.push_back(unused_file("TLSCACertificateFile", cx::servers, kNoClientCertificates));
    out.push_back(unserved(make("TLSCACertificatePath", kModule, cx::servers, 1, 1, "TLSCACertificatePath /path/to/dir",
                                each(path())),
                           kNoClientCertificates));
    out.push_back(unused_file("TLSCARevocationFile", cx::servers, kNoClientCertificates));
    out.push_back(unserved(make("TLSCARevocationPath", kModule, cx::servers, 1, 1, "TLSCARevocationPath /path/to/dir",
                                each(path())),
                           kNoClientCertificates));
    // Given once for TLS 1.2's list and once more with TLSv1.3 for its suites.
    out.push_back(make("TLSCipherSuite", kModule, cx::servers, 1, 2, "TLSCipherSuite [TLSv1.3] cipher-list", {}, true));
    out.push_back(flag("TLSServerCipherPreference"));
    out.push_back(unserved(make("TLSOptions", kModule, cx::servers, 1, kAnyNumber,
                                "TLSOptions NoSessionReuseRequired|UseImplicitSSL|AllowPerUser|... [...]", options,
                                true),
                           "NoSessionReuseRequired concerns PROT P data connections, not served by this build yet; "
                           "UseImplicitSSL is refused with TLSEngine on; the other options are not implemented"));
    out.push_back(no_effect(make("TLSVerifyClient", kModule, cx::servers, 1, 1, "TLSVerifyClient on|off|optional",
                                 each(parsed_by(tls_values::parse_verify_client))),
                            "client certificates are not requested; on and optional are refused with TLSEngine on",
                            when_flag(false)));
    out.push_back(unserved(make("TLSVerifyDepth", kModule, cx::servers, 1, 1, "TLSVerifyDepth number",
                                each(number_check(0, kMaxDepth))),
                           kNoClientCertificates));
    out.push_back(unserved(make("TLSVerifyOrder", kModule, cx::servers, 1, 2, "TLSVerifyOrder crl|ocsp [crl|ocsp]",
                                each(words_check({"crl", "ocsp"}))),
                           kNoClientCertificates));
    out.push_back(unserved(make("TLSVerifyServer", kModule, cx::servers, 1, 1, "TLSVerifyServer on|off|NoReverseDNS",
                                each(words_check({"on", "off", "yes", "no", "true", "false", "1", "0",
                                                  "NoReverseDNS"}))),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSTimeoutHandshake", kModule, cx::servers, 1, 1,
                                "TLSTimeoutHandshake seconds|20m|1h|hh:mm:ss", each(duration_check())),
                           "the handshake is bounded by TimeoutLogin (the worker's and the monitor's), not by "
                           "its own timer"));
    out.push_back(unserved(make("TLSLog", kModule, cx::servers, 1, 1, "TLSLog /path|none",
                                each([](std::string_view v) { return absolute_path_or_none(v); })),
                           "TLS events are logged to the SystemLog (handshake failures, the protocol in use); "
                           "there is no separate TLS log"));
    out.push_back(flag("TLSSessionTickets"));
    out.push_back(unserved(make("TLSSessionTicketKeys", kModule, cx::servers, 1, kAnyNumber,
                                "TLSSessionTicketKeys [age secs] [count num]"),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSSessionCache", kModule, cx::servers, 1, 3,
                                "TLSSessionCache off|internal:|type:/info [timeout]"),
                           kNoDataTls));
    out.push_back(unserved(make("TLSMasqueradeAddress", kModule, cx::servers, 1, 1, "TLSMasqueradeAddress address",
                                each([](std::string_view v) { return address_or_host(v); })),
                           "PASV answers with MasqueradeAddress (or the control connection's address) under TLS "
                           "too"));
    out.push_back(make("TLSECDHCurve", kModule, cx::servers, 1, 1, "TLSECDHCurve curve[:curve...]"));
    out.push_back(unserved(make("TLSUserName", kModule, cx::servers, 1, 1,
                                "TLSUserName CommonName|EmailSubjAltName|oid"),
                           kNoClientCertificates));
    out.push_back(unserved(make("TLSControlsACLs", kModule, cx::server, 4, 4,
                                "TLSControlsACLs actions|all allow|deny user|group list",
                                positional({control_actions, words_check({"allow", "deny"}),
                                            words_check({"user", "group"}), name_list}),
                                true),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSCryptoDevice", kModule, cx::server, 1, 1, "TLSCryptoDevice name|ALL|off"),
                           kOtherDirectives));
    out.push_back(unused_file("TLSDHParamFile", cx::servers, "no DHE cipher suite is offered (ECDHE only)"));
    out.push_back(unused_flag("TLSNextProtocol"));
    out.push_back(unserved(make("TLSPassPhraseProvider", kModule, cx::server, 1, 1,
                                "TLSPassPhraseProvider /path/to/program", each(path())),
                           "encrypted keys are refused at start-up; give an unencrypted key file readable by root "
                           "only"));
    out.push_back(unserved(make("TLSPreSharedKey", kModule, cx::servers, 2, 2, "TLSPreSharedKey identity hex:/path",
                                {}, true),
                           kOtherDirectives));
    out.push_back(unused_file("TLSRandomSeed", cx::server, "OpenSSL seeds itself from the kernel (getrandom)"));
    out.push_back(unserved(make("TLSRenegotiate", kModule, cx::servers, 1, kAnyNumber,
                                "TLSRenegotiate none|[ctrl secs] [data bytes] [required on|off] [timeout secs]"),
                           "renegotiation is never done here (TLS 1.3 has none)"));
    out.push_back(unused_file("TLSServerInfoFile", cx::servers, kOtherDirectives));
    out.push_back(unused_flag("TLSStapling"));
    out.push_back(unserved(make("TLSStaplingCache", kModule, cx::server, 1, 1, "TLSStaplingCache type:/info"),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSStaplingOptions", kModule, cx::servers, 1, kAnyNumber,
                                "TLSStaplingOptions NoNonce|NoVerify|UseCertTLSFeature [...]",
                                each(words_check({"NoNonce", "NoVerify", "UseCertTLSFeature"})), true),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSStaplingResponder", kModule, cx::servers, 1, 1, "TLSStaplingResponder url"),
                           kOtherDirectives));
    out.push_back(unserved(make("TLSStaplingTimeout", kModule, cx::servers, 1, 1,
                                "TLSStaplingTimeout seconds|20m|1h|hh:mm:ss", each(duration_check())),
                           kOtherDirectives));
}

}  // namespace ward::config::tables
