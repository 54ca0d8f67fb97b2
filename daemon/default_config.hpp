#pragma once
// The embedded default configuration: what `wardftpd -n` serves without -c, on 127.0.0.1:2121, read-only to
// anonymous logins and read-write to the demo user. Its files live outside the source tree, in the demo
// directory: <build dir>/demo when the binary runs from a CMake build tree (build/release/bin/wardftpd ->
// build/release/demo), else $XDG_STATE_HOME/wardftpd (default ~/.local/state/wardftpd). It holds ftp-root/
// (the served tree) and state/ (the demo user's AuthUserFile, mode 0700).
#include <string>

#include "base/result.hpp"

namespace ward::daemon {

struct DefaultSetup {
    std::string config_text;  // proftpd.conf syntax, paths made absolute
    std::string served_root;  // <demo dir>/ftp-root
    std::string state_dir;    // <demo dir>/state: the demo user's AuthUserFile
    std::string banner;       // what to print on start-up
};

inline constexpr const char* kDemoUser = "demo";
inline constexpr const char* kDemoPassword = "demo";

// Prepares the directories and the demo account, then returns the configuration text. As root, the demo
// user and anonymous sessions run as `nobody`, who is given the served tree; as an ordinary user, they run
// as that user. With create = false nothing is written (for -t and --print-config).
[[nodiscard]] Result<DefaultSetup> prepare_default_setup(bool create = true);

// The demo directory described above, not created.
[[nodiscard]] Result<std::string> demo_directory();

// The template, with @ROOT@, @STATE@, @USER@, @GROUP@ and @UID@/@GID@ still in it (for -t and tests).
[[nodiscard]] const char* default_config_template() noexcept;

}  // namespace ward::daemon
