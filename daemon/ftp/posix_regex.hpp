#pragma once
// A compiled POSIX extended regular expression (DenyFilter, PathDenyFilter), the way ProFTPD uses regex(3).
#include <regex.h>

#include <memory>
#include <string>

#include "base/result.hpp"

namespace ward::ftp {

class PosixRegex {
public:
    // `ignore_case`: PathDenyFilter's "[NC]" flag (REG_ICASE).
    [[nodiscard]] static Result<PosixRegex> compile(const std::string& pattern, bool ignore_case = false);
    // The text must not contain NUL (command lines with NUL are refused before any filter runs).
    [[nodiscard]] bool matches(const std::string& text) const noexcept;

private:
    struct Free {
        void operator()(regex_t* re) const noexcept;
    };
    std::unique_ptr<regex_t, Free> re_;
};

}  // namespace ward::ftp
