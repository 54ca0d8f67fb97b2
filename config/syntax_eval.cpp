// The syntax tree into the builder, item by item in order, as the proftpd.conf front end feeds it: a conditional
// is decided where it stands (ConfigBuilder::condition_holds, the one decision both front ends take), an
// Include reads its files where it stands (include_files, again at every load).
#include "base/strings.hpp"
#include "config/frontends.hpp"
#include "config/syntax.hpp"

namespace ward::config {
namespace {

Result<void> directive(ConfigBuilder& builder, const SyntaxNode& node) {
    const DirectiveSpec* spec = builder.spec(node.name.text);
    if (node.boolean && spec != nullptr && spec->max_args == 0) {
        if (!*node.boolean) {
            return error_at(node.name.where, str_cat(node.name.text, " = false: leave the key out instead"));
        }
        return builder.directive(node.name, {});
    }
    return builder.directive(node.name, node.args);
}

// What a false <IfModule> holds is never read as directives, but a line asking for a security property
// wardftpd does not provide is a warning naming it, at any depth.
void warn_skipped(ConfigBuilder& builder, const std::vector<SyntaxNode>& body, std::string_view subject) {
    for (const auto& node : body) {
        if (node.kind == NodeKind::directive) {
            std::vector<std::string_view> args;
            for (const auto& arg : node.args) {
                args.push_back(arg.text);
            }
            builder.warn_if_unprovided(node.name.where, node.name.text, args, subject);
        } else {
            warn_skipped(builder, node.body, subject);
        }
    }
}

Result<void> conditional(ConfigBuilder& builder, const SyntaxNode& node) {
    const bool is_module = node.kind == NodeKind::if_module;
    auto holds = builder.condition_holds(is_module, node.args.at(0));
    if (!holds) {
        return std::move(holds).error();
    }
    if (!*holds) {
        if (is_module) {
            warn_skipped(builder, node.body, node.args[0].text);
        }
        return {};
    }
    if (auto nested = builder.enter_nesting(node.name.where); !nested) {
        return nested;
    }
    if (auto walked = evaluate_syntax(builder, node.body); !walked) {
        return walked;
    }
    builder.leave_nesting();
    return {};
}

}  // namespace

Result<void> evaluate_syntax(ConfigBuilder& builder, const std::vector<SyntaxNode>& body) {
    for (const auto& node : body) {
        Result<void> done;
        switch (node.kind) {
            case NodeKind::directive:
                done = directive(builder, node);
                break;
            case NodeKind::include:
                done = include_files(builder, node.args.at(0));
                break;
            case NodeKind::if_module:
            case NodeKind::if_define:
                done = conditional(builder, node);
                break;
            case NodeKind::section:
                done = builder.open_section(node.section, node.name, node.args);
                if (done) {
                    done = evaluate_syntax(builder, node.body);
                }
                if (done) {
                    done = builder.close_section(node.section, node.name);
                }
                break;
        }
        if (!done) {
            return done;
        }
    }
    return {};
}

}  // namespace ward::config
