// wardctl: the control client (lsmod/insmod/rmmod over the control socket) and module signing helper.
// The Foundation ships its command line; the actions arrive with the modules/ issue.
#include <string_view>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/version.hpp"

int main(int argc, char** argv) {
    const std::string_view arg = argc > 1 ? argv[1] : "";
    if (arg == "--version" || arg == "-v") {
        (void)ward::sys::write_all(1, ward::str_cat("wardctl ", ward::kVersion, "\n"));
        return 0;
    }
    const bool help = arg == "--help" || arg == "-h";
    (void)ward::sys::write_all(help ? 1 : 2, std::string_view("usage: wardctl [--version] [--help]\n"));
    return help ? 0 : 2;
}
