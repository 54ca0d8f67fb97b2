#include "daemon/master/session_registry.hpp"

#include <algorithm>
#include <cstdint>

#include "base/strings.hpp"

namespace ward::master {

void SessionRegistry::started(SessionRecord record) { by_pid_[record.pid] = std::move(record); }

void SessionRegistry::named_client(pid_t pid, const std::string& address, std::uint16_t port) {
    if (const auto it = by_pid_.find(pid); it != by_pid_.end()) {
        it->second.client = address;
        it->second.client_port = port;
        it->second.proxied = true;
    }
}

void SessionRegistry::logged_in(pid_t pid, const std::string& user) {
    if (const auto it = by_pid_.find(pid); it != by_pid_.end()) {
        it->second.user = user;
    }
}

void SessionRegistry::ended(pid_t pid) { by_pid_.erase(pid); }

std::vector<SessionRecord> SessionRegistry::list() const {
    std::vector<SessionRecord> out;
    out.reserve(by_pid_.size());
    for (const auto& [pid, record] : by_pid_) {
        out.push_back(record);
    }
    return out;
}

Result<std::vector<pid_t>> SessionRegistry::match(std::string_view target) const {
    const auto words = split_words(target);
    if (words.size() != 2) {
        return Error{"kick: expected 'user NAME', 'host ADDRESS' or 'session PID'"};
    }
    const std::string_view kind = words[0];
    const std::string_view value = words[1];
    std::optional<pid_t> pid;
    if (kind == "session") {
        const auto number = parse_unsigned<unsigned>(value);
        if (!number || *number == 0 || *number > 4'194'304U) {
            return Error{str_cat("kick session: '", escape_for_log(value), "' is not a session id (a pid)")};
        }
        pid = static_cast<pid_t>(*number);
    } else if (kind != "user" && kind != "host") {
        return Error{str_cat("kick: unknown target '", escape_for_log(kind), "' (expected user, host or session)")};
    }
    std::vector<pid_t> out;
    for (const auto& [id, record] : by_pid_) {
        const bool hit = pid ? id == *pid : kind == "user" ? record.user == value : record.client == value;
        if (hit) {
            out.push_back(id);
        }
    }
    return out;
}

void SessionRegistry::activity(pid_t pid, const std::string& command, bool transferring, std::uint64_t bytes,
                               std::uint64_t size, std::chrono::system_clock::time_point now) {
    const auto it = by_pid_.find(pid);
    if (it == by_pid_.end() || it->second.user.empty()) {
        return;  // only a logged-in session's worker reports
    }
    SessionRecord::Activity& s = it->second.activity;
    if (transferring && (!s.transferring || s.command != command)) {
        s.transfer_since = now;
    }
    s.command = command;
    s.transferring = transferring;
    s.bytes = bytes;
    s.size = size;
}

namespace {

std::string worker_report(const SessionRecord::Activity& s, std::chrono::system_clock::time_point now) {
    if (s.command.empty()) {
        return {};
    }
    std::string text = str_cat(" command \"", escape_for_log(s.command), "\"");
    if (s.transferring) {
        // Under a millisecond since the transfer started counts as one (bytes moved in no time is no rate of 0).
        const auto millis = std::max<std::int64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(now - s.transfer_since).count(), 1);
        const std::uint64_t rate = s.bytes * 1000U / static_cast<std::uint64_t>(millis);
        text += str_cat(" transfer ", s.bytes, s.size > 0 ? str_cat("/", s.size) : std::string(), " bytes");
        if (s.size > 0) {
            text += str_cat(" ", std::min<std::uint64_t>(s.bytes * 100U / s.size, 100U), "%");
        }
        text += str_cat(" ", rate, " B/s");
    }
    return text + " (worker-reported)";
}

}  // namespace

std::vector<std::string> who_lines(const std::vector<SessionRecord>& sessions,
                                   std::chrono::system_clock::time_point now) {
    std::vector<std::string> lines;
    for (const SessionRecord& s : sessions) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - s.since).count();
        lines.push_back(str_cat("session ", s.pid, " user ", s.user.empty() ? std::string("-") : s.user, " client ",
                                s.client, ":", s.client_port, s.proxied ? " (via proxy)" : "", " state ",
                                s.user.empty() ? "authenticating" : "logged-in", " for ", seconds, "s server ",
                                s.server, worker_report(s.activity, now)));
    }
    return lines;
}

}  // namespace ward::master
