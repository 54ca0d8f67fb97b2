#pragma once
// docs/directives.md, generated from the registry: every directive of every module wardftpd lists, with its
// module, contexts, syntax, status (implemented / no effect here / refused) and the reason.
#include <string>

namespace ward::config {

[[nodiscard]] std::string directives_markdown();

}  // namespace ward::config
