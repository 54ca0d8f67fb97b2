// Data connections: PASV EPSV PORT EPRT, and the driver every data command (RETR, STOR, LIST, ...) runs
// through: open the connection, send 150, move the bytes, end with the command's own final reply.
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {
namespace {

DataChannel::tcp::endpoint to_endpoint(const HostPort& target) {
    if (target.family == HostPort::Family::ipv4) {
        asio::ip::address_v4::bytes_type bytes{};
        std::copy_n(target.address.begin(), 4, bytes.begin());
        return {asio::ip::address_v4(bytes), target.port};
    }
    asio::ip::address_v6::bytes_type bytes{};
    std::copy_n(target.address.begin(), 16, bytes.begin());
    return {asio::ip::address_v6(bytes), target.port};
}

}  // namespace

void SessionImpl::cmd_pasv(CommandContext& ctx) {
    if (epsv_all_) {
        finish(ctx, 501, "PASV: not allowed after EPSV ALL");
        return;
    }
    const auto local = unmapped(local_.address());
    if (!local.is_v4()) {
        // A PASV reply has no room for an IPv6 address (ProFTPD refuses it the same way; use EPSV).
        finish(ctx, 501, "PASV: Operation not permitted");
        return;
    }
    std::uint16_t port = 0;
    if (const auto ec = data_.listen(local, peer_.address(), settings_.passive_ports, port); ec) {
        finish(ctx, 425, str_cat("Unable to build data connection: ", ec.message()));
        return;
    }
    std::array<std::uint8_t, 4> shown = local.to_v4().to_bytes();
    if (settings_.masquerade_address) {
        if (const auto masq = parse_ipv4(*settings_.masquerade_address)) {
            shown = *masq;
        } else {
            log::warning("MasqueradeAddress '", *settings_.masquerade_address, "' is not an IPv4 address; ignored");
        }
    }
    finish(ctx, 227, format_pasv_text(shown, port));
}

void SessionImpl::cmd_epsv(CommandContext& ctx) {
    const EpsvArgument arg = parse_epsv_argument(ctx.argument);
    const bool v4 = unmapped(local_.address()).is_v4();
    switch (arg.kind) {
        case EpsvArgument::Kind::all:
            epsv_all_ = true;
            finish(ctx, 200, "EPSV ALL command successful");
            return;
        case EpsvArgument::Kind::invalid:
            finish(ctx, 501, str_cat("'EPSV ", ctx.argument, "' not understood"));
            return;
        case EpsvArgument::Kind::unsupported:
        case EpsvArgument::Kind::ipv4:
        case EpsvArgument::Kind::ipv6:
            if (arg.kind == EpsvArgument::Kind::unsupported || (arg.kind == EpsvArgument::Kind::ipv4) != v4) {
                finish(ctx, 522, v4 ? "Network protocol not supported, use (1)" : "Network protocol not supported, use (2)");
                return;
            }
            break;
        case EpsvArgument::Kind::any: break;
    }
    std::uint16_t port = 0;
    if (const auto ec = data_.listen(local_.address(), peer_.address(), settings_.passive_ports, port); ec) {
        finish(ctx, 425, str_cat("Unable to build data connection: ", ec.message()));
        return;
    }
    finish(ctx, 229, format_epsv_text(port));
}

// FTP bounce protection: data goes only to the control peer's own address, and never to a privileged port.
bool SessionImpl::set_active_target(CommandContext& ctx, const tcp::endpoint& target, std::string_view verb) {
    if (unmapped(target.address()) != unmapped(peer_.address()) || target.port() < 1024) {
        log::warning("refused ", verb, " to ", target.address().to_string(), ":", target.port(), " from ",
                     peer_text_);
        finish(ctx, 500, str_cat("Illegal ", verb, " command"));
        return false;
    }
    data_.set_active(target, local_);
    return true;
}

void SessionImpl::cmd_port(CommandContext& ctx) {
    if (epsv_all_) {
        finish(ctx, 501, "PORT: not allowed after EPSV ALL");
        return;
    }
    const auto target = parse_port_argument(ctx.argument);
    if (!target) {
        finish(ctx, 501, "Illegal PORT command");
        return;
    }
    if (set_active_target(ctx, to_endpoint(*target), "PORT")) {
        finish(ctx, 200, "PORT command successful");
    }
}

void SessionImpl::cmd_eprt(CommandContext& ctx) {
    if (epsv_all_) {
        finish(ctx, 501, "EPRT: not allowed after EPSV ALL");
        return;
    }
    const EprtResult parsed = parse_eprt_argument(ctx.argument);
    if (parsed.status == EprtResult::Status::unsupported_protocol) {
        finish(ctx, 522, "Network protocol not supported, use (1,2)");
        return;
    }
    if (parsed.status != EprtResult::Status::ok) {
        finish(ctx, 501, "Illegal EPRT command");
        return;
    }
    if (set_active_target(ctx, to_endpoint(parsed.target), "EPRT")) {
        finish(ctx, 200, "EPRT command successful");
    }
}

bool SessionImpl::require_data_connection(CommandContext& ctx) {
    if (data_.configured()) {
        return true;
    }
    finish(ctx, 425, "Unable to build data connection: no PORT or PASV command");
    return false;
}

void SessionImpl::begin_transfer(CommandContext& ctx, std::string opening, DataTransfer::Spec spec,
                                 TransferEnd on_end) {
    busy_ = true;
    const auto now = Clock::now();
    const bool incoming = spec.kind == DataTransfer::Kind::receive_file;
    active_.emplace(ActiveTransfer{std::move(ctx), std::move(spec), std::move(opening), std::move(on_end), nullptr,
                                   now, false, incoming});
    last_transfer_ = last_progress_ = now;
    stalled_seen_bytes_ = 0;
    arm(Timeout::stalled);
    arm(Timeout::progress);
    data_.open(host_, [this](boost::system::error_code ec, tcp::socket socket) {
        on_data_open(ec, std::move(socket));
    });
}

void SessionImpl::on_data_open(boost::system::error_code ec, tcp::socket socket) {
    if (!active_) {
        return;
    }
    if (ec) {
        TransferResult result;
        result.outcome = TransferResult::Outcome::failed;
        result.error = ec.value();
        result.reason = ec.message();
        end_transfer(std::move(result));
        return;
    }
    active_->connected = true;
    active_->ctx.event.transfer_port = data_.remote_port();
    active_->started = last_progress_ = Clock::now();
    reply(150, active_->opening);
    auto transfer = std::make_shared<DataTransfer>(std::move(socket), std::move(active_->spec),
                                                   [this](const TransferResult& result) { end_transfer(result); });
    active_->transfer = transfer;
    transfer->start();  // may end the transfer (and reset active_) before it returns
}

void SessionImpl::end_transfer(TransferResult result) {
    if (!active_) {
        return;
    }
    ActiveTransfer done = std::move(*active_);
    active_.reset();
    data_.close();
    busy_ = false;
    last_transfer_ = Clock::now();
    result.connected = done.connected;
    if (done.connected) {
        (done.incoming ? bytes_in_ : bytes_out_) += result.bytes;
    }
    done.on_end(done.ctx, result);
    if (!ended_) {
        schedule_processing();
    }
}

void SessionImpl::abort_transfer(TransferResult::Outcome outcome) {
    if (!active_) {
        data_.close();
        return;
    }
    TransferResult result;
    result.outcome = outcome;
    result.reason = outcome == TransferResult::Outcome::timeout ? "stalled" : "aborted";
    if (active_->transfer) {
        result.bytes = active_->transfer->bytes();
        active_->transfer->abort();
    }
    end_transfer(std::move(result));
}

}  // namespace ward::ftp
