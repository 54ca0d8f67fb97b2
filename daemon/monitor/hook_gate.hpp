#pragma once
// Which hook requests a pre-auth worker may make. Before login a client can run only the verbs the FTP
// command table marks before_login (USER, PASS, QUIT, FEAT, ...); any other verb is answered 530 "Please
// login" and fires at most that refusal's ExecOnError. No pre-auth command names a file, so %f/%F/%w and
// %d cannot be chosen by the worker before login. (The verb table is daemon/ftp/command.cpp's.)
#include <optional>
#include <string>

#include "exec/hook_event.hpp"

namespace ward::monitor {

// Why a pre-auth hook request is refused, or nullopt when an honest pre-auth worker could have made it.
[[nodiscard]] std::optional<std::string> preauth_hook_refusal(exec::HookPoint point, const exec::CommandEvent& event);

}  // namespace ward::monitor
