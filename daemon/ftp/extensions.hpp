#pragma once
// What loaded modules add to a session (SITE subcommands, event listeners), as the protocol layer sees it.
// The worker's module loader (daemon/worker/module_loader.hpp) implements SessionExtensions over the
// modules' C tables; the session implements ExtensionContext, the only way module code reaches files:
// client paths resolved inside the session's root, <Limit> applied per command ("SITE_UTIME").
#include <sys/stat.h>
#include <sys/types.h>

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace ward::ftp {

class ExtensionContext {
public:
    virtual ~ExtensionContext() = default;
    [[nodiscard]] virtual const std::string& user() const = 0;
    [[nodiscard]] virtual const std::string& cwd() const = 0;
    // 0 or an errno value (EACCES when <Limit> denies the command).
    virtual int stat_path(std::string_view client_path, struct stat& out) = 0;
    virtual int set_times(std::string_view client_path, std::time_t atime, std::time_t mtime) = 0;
    virtual int make_dir(std::string_view client_path, mode_t mode) = 0;
    virtual int remove_tree(std::string_view client_path) = 0;
};

struct ExtensionReply {
    int code = 500;
    std::vector<std::string> lines;
};

class SessionExtensions {
public:
    virtual ~SessionExtensions() = default;
    [[nodiscard]] virtual bool has_site_command(std::string_view verb) const = 0;
    [[nodiscard]] virtual ExtensionReply run_site_command(std::string_view verb, std::string_view argument,
                                                          ExtensionContext& context) = 0;
    // " VERB syntax" lines for SITE HELP.
    [[nodiscard]] virtual std::vector<std::string> site_help() const = 0;
    virtual void session_started(ExtensionContext& context) = 0;
    virtual void command_done(std::string_view verb, std::string_view argument, int code,
                              ExtensionContext& context) = 0;
};

}  // namespace ward::ftp
