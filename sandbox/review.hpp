#pragma once
// What a reviewer reads, generated from the code: each role's seccomp policy and capability set, as the
// blocks SECURITY.md carries between markers such as `<!-- policy:worker_postauth -->` ... `<!-- /policy -->`.
// tests/sandbox/security_md_test.cpp fails with a diff when SECURITY.md and the code disagree;
// `sandbox_describe --write SECURITY.md` regenerates the blocks.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::sandbox {

struct ReviewBlock {
    std::string id;    // "policy:master", "capabilities:roles", ...
    std::string text;  // the block's content, ending in a newline
};

// Every block, in SECURITY.md order.
[[nodiscard]] std::vector<ReviewBlock> review_blocks();

// `document` with the content of every known block replaced by the generated text. Errors: a block the code
// does not generate, a generated block the document lacks, a block without its closing marker.
[[nodiscard]] Result<std::string> regenerate_review_blocks(std::string_view document);

// A line diff ("-" expected, "+" actual), empty when equal.
[[nodiscard]] std::string line_diff(std::string_view expected, std::string_view actual);

}  // namespace ward::sandbox
