#pragma once
// What a verified module object asks the dynamic linker for (DT_NEEDED) and what it calls itself (DT_SONAME),
// read from its sealed memfd, and whether every dependency is already in this process. The post-auth worker
// loads modules after chroot: a dependency not yet loaded would be looked up in the user's tree, where the
// user may have put a library of their own. So a module whose dependencies are not all loaded already (linked
// into the daemon, or a LoadFile'd verified library) is refused before dlopen.
#include <string>
#include <vector>

#include "base/result.hpp"

namespace ward::worker {

struct ElfDependencies {
    std::string soname;               // empty when the object has none
    std::vector<std::string> needed;  // DT_NEEDED, in order
};

// Parses the ELF64 dynamic section of the object in `fd` (bounds-checked; an error for anything malformed).
[[nodiscard]] Result<ElfDependencies> read_elf_dependencies(int fd);

// The names this process's loaded objects answer to (file names of their paths), as the dynamic linker
// matches a DT_NEEDED entry against them without searching the file system.
[[nodiscard]] std::vector<std::string> loaded_object_names();

}  // namespace ward::worker
