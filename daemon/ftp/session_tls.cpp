// FTPS on the control connection (RFC 4217, ProFTPD mod_tls's replies): AUTH TLS/SSL, PBSZ, PROT, CCC.
// The TLS context comes from the worker (SessionSettings::tls); its key holds the public half only and signs
// through the monitor, so nothing here ever sees the certificate's private key.
#include <boost/asio/ssl/error.hpp>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {

bool SessionImpl::tls_served(std::string_view verb) const {
    const CommandSpec* spec = find_command(verb);
    return spec == nullptr || spec->module != "mod_tls.c" || settings_.tls != nullptr || settings_.tls_engine;
}

// Without a TLS context mod_tls's verbs are unknown, as ProFTPD answers with TLSEngine off.
bool SessionImpl::refuse_without_tls(CommandContext& ctx) {
    if (tls_served(ctx.canonical)) {
        return false;
    }
    finish(ctx, 500, str_cat(ctx.verb, " not understood"));
    return true;
}

void SessionImpl::cmd_auth(CommandContext& ctx) {
    const std::string mechanism = to_upper(ctx.argument);
    if (mechanism != "TLS" && mechanism != "SSL" && mechanism != "TLS-C") {
        finish(ctx, 504, str_cat("AUTH ", ctx.argument, " unsupported"));
        return;
    }
    if (tls_ || tls_pending_) {
        finish(ctx, 503, "TLS already in use on the control connection");
        return;
    }
    if (logged_in_) {
        // The post-auth worker has no key channel: TLS starts before login (as every FTPS client does).
        finish(ctx, 503, "AUTH not allowed after login");
        return;
    }
    tls_pending_ = true;  // nothing more is read or processed in clear text
    finish(ctx, 234, str_cat("AUTH ", mechanism, " successful"));
    write_next();
}

void SessionImpl::start_tls_handshake() {
    // Bytes the client sent after AUTH and before its handshake would be commands injected in clear text
    // (the STARTTLS injection class of bugs): the session ends rather than run them after the handshake.
    if (reading_ || !lines_.empty() || reader_.queued_lines() > 0 || reader_.has_partial_line()) {
        log::notice("client ", peer_text_, " sent clear text after AUTH TLS; closing");
        end_session("clear text after AUTH TLS");
        return;
    }
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(control_, *settings_.tls);
    tls_->async_handshake(asio::ssl::stream_base::server, [this](boost::system::error_code ec) {
        if (ended_) {
            return;
        }
        if (ec) {
            log::notice("TLS handshake with ", peer_text_, " failed: ", ec.message());
            control_eof_ = true;  // nothing more can be said on this connection
            out_pending_.clear();
            end_session("TLS handshake failed");
            return;
        }
        tls_pending_ = false;
        tls_active_ = true;
        log::info("TLS on the control connection from ", peer_text_, ": ", SSL_get_version(tls_->native_handle()));
        read_control();
    });
}

// After a login under TLS: the TLS session stays in this (confined, key-less) process, which from now on
// only relays between the client and the post-auth worker; the session itself is over here.
void SessionImpl::relay_control(const HandoverState& state) {
    Result<UniqueFd> plain_end = Error{"no relay"};
    try {
        plain_end = host_.hand_over_relayed(state);
    } catch (const std::exception& e) {
        plain_end = Error{e.what()};
    }
    if (!plain_end) {
        log::error("hand-over under TLS: ", plain_end.error().message);
        reply(421, "Service not available, closing control connection");
        end_session("hand-over failed");
        return;
    }
    ended_ = true;  // every handler of the session returns at once from now on
    data_.close();
    for (auto& timer : timers_) {
        timer.cancel();
    }
    boost::system::error_code ec;
    tls::ControlRelay::Plain plain(io_);
    plain.assign(asio::local::stream_protocol(), plain_end->release(), ec);
    if (ec) {
        log::error("hand-over under TLS: ", ec.message());
        return;  // nothing left to run: the process exits and the post-auth worker sees its control connection end
    }
    relay_ = std::make_unique<tls::ControlRelay>(*tls_, std::move(plain));
    relay_->start([peer = peer_text_](std::string_view why) {
        log::debug(1, "control connection relay for ", peer, " ended: ", why);
    });
}

void SessionImpl::cmd_pbsz(CommandContext& ctx) {
    if (!tls_active_) {
        finish(ctx, 503, "PBSZ not allowed on insecure control connection");
        return;
    }
    pbsz_ = true;
    finish(ctx, 200, "PBSZ=0");  // a stream protection: any size the client asks for is 0 (RFC 4217 9)
}

void SessionImpl::cmd_prot(CommandContext& ctx) {
    if (!tls_active_) {
        finish(ctx, 503, "PROT not allowed on insecure control connection");
        return;
    }
    if (!pbsz_) {
        finish(ctx, 503, "You must issue the PBSZ command prior to PROT");
        return;
    }
    const std::string level = to_upper(ctx.argument);
    if (level == "C") {
        finish(ctx, 200, "Protection set to Clear");
    } else if (level == "P" || level == "S" || level == "E") {
        // PROT P needs TLS on the data connection, which this build does not do yet: refused rather than
        // answered 200 and then run in clear text.
        finish(ctx, 536, str_cat("PROT ", level, " unsupported"));
    } else {
        finish(ctx, 504, str_cat("PROT ", ctx.argument, " unsupported"));
    }
}

void SessionImpl::cmd_ccc(CommandContext& ctx) {
    if (!tls_active_) {
        finish(ctx, 533, "CCC not allowed on insecure control connection");
        return;
    }
    // Clearing the control channel (a TLS shutdown, then clear text on the same socket) is not done yet.
    finish(ctx, 534, "Unwilling to accept security parameters");
}

}  // namespace ward::ftp
