#include "daemon/ftp/posix_regex.hpp"

#include "base/strings.hpp"

namespace ward::ftp {

void PosixRegex::Free::operator()(regex_t* re) const noexcept {
    ::regfree(re);
    std::default_delete<regex_t>()(re);
}

Result<PosixRegex> PosixRegex::compile(const std::string& pattern, bool ignore_case) {
    auto re = std::make_unique<regex_t>();
    const int rc = ::regcomp(re.get(), pattern.c_str(), REG_EXTENDED | REG_NOSUB | (ignore_case ? REG_ICASE : 0));
    if (rc != 0) {
        char message[256];
        ::regerror(rc, re.get(), message, sizeof message);
        return Error{str_cat("bad regular expression '", pattern, "': ", static_cast<const char*>(message))};
    }
    PosixRegex out;
    out.re_.reset(re.release());
    return out;
}

bool PosixRegex::matches(const std::string& text) const noexcept {
    return re_ && ::regexec(re_.get(), text.c_str(), 0, nullptr, 0) == 0;
}

}  // namespace ward::ftp
