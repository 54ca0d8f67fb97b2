#pragma once
// The file's structure, as written: what the converter keeps that the model (model.hpp) resolves away. Comments,
// Include lines (their patterns, not the files they name), <IfModule>/<IfDefine> blocks (both branches, not
// evaluated) and the order of everything. Both front ends read text into it; the TOML front end then evaluates
// it into the model (syntax_eval.cpp), and both writers write it (toml_writer.cpp, proftpd_writer.cpp).
// What a directive means stays in the registry: a node only holds its name and words.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/builder.hpp"
#include "config/load.hpp"
#include "config/model.hpp"

namespace ward::config {

enum class NodeKind : std::uint8_t { directive, section, if_module, if_define, include };

struct SyntaxNode {
    NodeKind kind = NodeKind::directive;
    ContextKind section = ContextKind::server;  // kind == section
    Token name;                                 // a directive's name (the registry's spelling when it knows it)
    // A directive's words; a section's arguments; a conditional's one subject ("mod_tls.c", "!DEBUG"); an
    // include's one pattern.
    std::vector<Token> args;
    // TOML only: the value was one bare boolean (`DenyAll = true`), which for a directive that takes no
    // arguments means "present" (evaluation asks the registry).
    std::optional<bool> boolean;
    std::vector<std::string> comments;  // the lines before it: "# text", or "" for a blank line
    std::string line_comment;           // "# text" after it on its own line
    std::vector<SyntaxNode> body;       // section and conditional: what is inside, in order
    std::vector<std::string> trailing;  // section and conditional: comment lines after the last item
};

struct SyntaxTree {
    SyntaxNode root;  // kind == section, section == server
    std::string source;
};

// proftpd.conf text (comments kept, conditionals and includes not evaluated). Sections wardftpd has no form for
// are errors naming file:line.
[[nodiscard]] Result<SyntaxTree> parse_proftpd_syntax(std::string_view text, const std::string& name,
                                                      const LoadOptions& options = {});
// TOML text in the mapping of config/README.md.
[[nodiscard]] Result<SyntaxTree> parse_toml_syntax(std::string_view text, const std::string& name);
// A file by its name (".toml" -> TOML, otherwise proftpd.conf); the file itself only, not what it includes.
[[nodiscard]] Result<SyntaxTree> read_syntax_file(const std::string& path, const LoadOptions& options = {});

// The structure of a model (no comments, no conditionals, no includes: they are resolved in it).
[[nodiscard]] SyntaxTree syntax_of(const Config& config);

[[nodiscard]] std::string to_toml(const SyntaxTree& tree);
[[nodiscard]] std::string to_proftpd(const SyntaxTree& tree);

// Feeds the tree into the builder as the proftpd.conf front end would: conditionals evaluated where they stand,
// includes read where they stand.
[[nodiscard]] Result<void> evaluate_syntax(ConfigBuilder& builder, const std::vector<SyntaxNode>& body);

// A comment as TOML can hold it: control characters other than tab become spaces.
[[nodiscard]] std::string printable_comment(std::string_view line);

// The same items in the same order with the same names and words, and the same comment lines (blank lines and
// locations are not compared). Empty when they match, else where they first differ.
[[nodiscard]] std::string structure_difference(const SyntaxTree& a, const SyntaxTree& b);

}  // namespace ward::config
