#include "daemon/worker/elf_dependencies.hpp"

#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cstring>
#include <string_view>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::worker {
namespace {

class Mapping {
public:
    Mapping(void* data, std::size_t size) : data_(data), size_(size) {}
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() {
        if (data_ != MAP_FAILED) {
            ::munmap(data_, size_);
        }
    }
    [[nodiscard]] std::string_view bytes() const {
        return data_ == MAP_FAILED ? std::string_view() : std::string_view(static_cast<const char*>(data_), size_);
    }

private:
    void* data_;
    std::size_t size_;
};

template <class T>
bool read_at(std::string_view file, std::uint64_t offset, T& out) {
    if (offset > file.size() || file.size() - offset < sizeof(T)) {
        return false;
    }
    std::memcpy(&out, file.data() + offset, sizeof(T));
    return true;
}

// A virtual address of the dynamic string table to its file offset, through the PT_LOAD segments.
bool to_offset(const std::vector<Elf64_Phdr>& loads, std::uint64_t address, std::uint64_t& offset) {
    for (const auto& ph : loads) {
        if (address >= ph.p_vaddr && address - ph.p_vaddr < ph.p_filesz) {
            offset = ph.p_offset + (address - ph.p_vaddr);
            return true;
        }
    }
    return false;
}

bool string_at(std::string_view file, std::uint64_t table, std::uint64_t table_size, std::uint64_t index,
               std::string& out) {
    if (index >= table_size || table > file.size() || file.size() - table < table_size) {
        return false;
    }
    const std::string_view strings = file.substr(table, table_size);
    const std::size_t end = strings.find('\0', index);
    if (end == std::string_view::npos) {
        return false;
    }
    out = std::string(strings.substr(index, end - index));
    return true;
}

}  // namespace

Result<ElfDependencies> read_elf_dependencies(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return sys::errno_error("fstat module");
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    const Mapping map(size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED, size);
    const std::string_view file = map.bytes();
    const Error malformed{"not a well-formed ELF64 shared object"};
    Elf64_Ehdr eh{};
    if (!read_at(file, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr)) {
        return malformed;
    }
    std::vector<Elf64_Phdr> loads;
    Elf64_Phdr dynamic{};
    bool has_dynamic = false;
    for (std::uint16_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        if (!read_at(file, eh.e_phoff + std::uint64_t{i} * sizeof(Elf64_Phdr), ph)) {
            return malformed;
        }
        if (ph.p_type == PT_LOAD) {
            loads.push_back(ph);
        } else if (ph.p_type == PT_DYNAMIC) {
            dynamic = ph;
            has_dynamic = true;
        }
    }
    ElfDependencies out;
    if (!has_dynamic) {
        return out;
    }
    std::vector<std::uint64_t> needed;
    std::uint64_t soname = 0;
    bool has_soname = false;
    std::uint64_t strtab = 0;
    std::uint64_t strsz = 0;
    for (std::uint64_t at = dynamic.p_offset; at < dynamic.p_offset + dynamic.p_filesz; at += sizeof(Elf64_Dyn)) {
        Elf64_Dyn dyn{};
        if (!read_at(file, at, dyn)) {
            return malformed;
        }
        if (dyn.d_tag == DT_NULL) {
            break;
        }
        switch (dyn.d_tag) {
            case DT_NEEDED: needed.push_back(dyn.d_un.d_val); break;
            case DT_SONAME: soname = dyn.d_un.d_val; has_soname = true; break;
            case DT_STRTAB: strtab = dyn.d_un.d_ptr; break;
            case DT_STRSZ: strsz = dyn.d_un.d_val; break;
            default: break;
        }
    }
    if (needed.empty() && !has_soname) {
        return out;
    }
    std::uint64_t table = 0;
    if (!to_offset(loads, strtab, table)) {
        return malformed;
    }
    for (const std::uint64_t index : needed) {
        std::string name;
        if (!string_at(file, table, strsz, index, name)) {
            return malformed;
        }
        out.needed.push_back(std::move(name));
    }
    if (has_soname && !string_at(file, table, strsz, soname, out.soname)) {
        return malformed;
    }
    return out;
}

std::vector<std::string> loaded_object_names() {
    std::vector<std::string> names;
    (void)::dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* data) {
            const std::string_view path = info->dlpi_name != nullptr ? info->dlpi_name : "";
            const std::size_t slash = path.rfind('/');
            if (!path.empty()) {
                static_cast<std::vector<std::string>*>(data)->emplace_back(
                    slash == std::string_view::npos ? path : path.substr(slash + 1));
            }
            return 0;
        },
        &names);
    return names;
}

}  // namespace ward::worker
