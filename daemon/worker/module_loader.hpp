#pragma once
// Loading the verified modules into a post-auth worker. The session process hands the worker the sealed
// memfds (modules::ModuleSet); the worker dlopens them through /proc/self/fd after it has dropped to the
// user's ids and capabilities (sandbox::ChildSpec::load_code, between the id checks and Landlock/seccomp),
// so module code never runs with privilege, and every handler runs under the worker's seccomp policy.
// The path of a module file is never opened here: only the memfd holding the bytes that were verified.
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/ftp/extensions.hpp"
#include "modules/module_set.hpp"

namespace ward::worker {

class LoadedModules;

class ModuleLoading {
public:
    // Before the privilege drop, while /proc is reachable: opens /proc/self/fd for the later dlopen.
    [[nodiscard]] static Result<ModuleLoading> prepare(const modules::ModuleSet& set);

    // Descriptors the privilege drop must keep open until load().
    [[nodiscard]] std::vector<int> fds() const;
    // After the privilege drop: dlopens every library and module, checks each table, closes the fds.
    [[nodiscard]] Result<void> load();
    [[nodiscard]] std::shared_ptr<ftp::SessionExtensions> extensions() const;
    [[nodiscard]] bool empty() const noexcept { return objects_.empty(); }

private:
    [[nodiscard]] Result<void> dependencies_present() const;

    struct Object {
        int memfd = -1;  // owned by the ModuleSet the session process holds
        std::string name;  // module name, or the library's path for LoadFile
        bool library = false;
    };
    UniqueFd proc_fd_dir_;
    std::vector<Object> objects_;
    std::shared_ptr<LoadedModules> loaded_;
};

}  // namespace ward::worker
