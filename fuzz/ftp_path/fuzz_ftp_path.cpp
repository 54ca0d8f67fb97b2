// Fuzzes virtual path normalisation (daemon/ftp/vpath.cpp). The first input byte splits the rest into a
// working directory and a client path. Properties: the result is absolute and normalized, never holds a
// ".." (or ".") component, stays under "/" (so under the session root once joined to it), and resolving
// it again from anywhere gives itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/ftp/vpath.hpp"

namespace {

void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

void check_path(const std::string& path) {
    check(ward::ftp::is_normalized_virtual(path));
    check(path.front() == '/');
    check(path.find("/../") == std::string::npos && !path.ends_with("/..") && path != "/..");
    check(path.find("//") == std::string::npos);
    check(ward::ftp::resolve_virtual("/elsewhere", path) == path);
    const std::string real = ward::ftp::real_path("/srv/root", path);
    check(real == "/srv/root" || real.starts_with("/srv/root/"));
    const std::string rel = ward::ftp::relative_to_root(path);
    check(!rel.empty() && rel.front() != '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t cut = data[0] % (rest.size() + 1);
    const std::string cwd = ward::ftp::resolve_virtual("/", rest.substr(0, cut));
    check_path(cwd);
    const std::string home = ward::ftp::resolve_virtual(cwd, "..");
    check_path(home);
    const std::string joined = ward::ftp::resolve_virtual(cwd, rest.substr(cut), home);
    check_path(joined);
    const std::string parent(ward::ftp::virtual_parent(joined));
    check_path(parent);
    check(joined == "/" || joined.starts_with(parent));
    (void)ward::ftp::quote_for_257(joined);
    return 0;
}
