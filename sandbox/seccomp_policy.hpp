#pragma once
// Seccomp policies over libseccomp, in the style of sandbox2's PolicyBuilder: a policy is a default action
// plus named groups of rules, readable as prose and rendered for review by describe().
//
// The split serves a cheap session start: the master compiles each policy once (PolicyBuilder::compile ->
// CompiledPolicy, which owns the BPF program), and a forked child only installs the stored program
// (CompiledPolicy::install: one seccomp(2) call, no libseccomp work).
#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

// `WARD_SYM(AF_INET)` passes a constant together with its name, so describe() can print the name.
#define WARD_SYM(constant) (constant), #constant

namespace ward::sandbox {

// What the kernel does when a rule (or no rule) matches a system call.
struct Action {
    enum class Kind : std::uint8_t { allow, kill_process, fail };
    Kind kind = Kind::kill_process;
    int error_number = 0;  // Kind::fail: the call returns -1 with this errno

    [[nodiscard]] static constexpr Action allow() noexcept { return {Kind::allow, 0}; }
    [[nodiscard]] static constexpr Action kill_process() noexcept { return {Kind::kill_process, 0}; }
    [[nodiscard]] static constexpr Action fail(int error_number) noexcept { return {Kind::fail, error_number}; }
    friend constexpr bool operator==(const Action&, const Action&) = default;
};

// One comparison of a system call argument. Arguments the kernel reads as 32-bit ints are marked, because
// the filter sees the whole 64-bit register: compile() makes a 32-bit comparison fail closed either way
// (an allow rule demands zero upper bits, a deny rule ignores them, as the kernel does).
struct ArgCondition {
    enum class Op : std::uint8_t { eq, ne, masked_eq };
    unsigned index = 0;
    Op op = Op::eq;
    bool is_32bit = true;
    std::uint64_t value = 0;
    std::uint64_t mask = ~std::uint64_t{0};  // masked_eq: (arg & mask) == value
    std::string_view value_name;             // "AF_INET"; empty: rendered as a number
    std::string_view mask_name;
};

namespace arg {
[[nodiscard]] ArgCondition eq32(unsigned index, std::uint64_t value, std::string_view name = {});
[[nodiscard]] ArgCondition eq64(unsigned index, std::uint64_t value, std::string_view name = {});
[[nodiscard]] ArgCondition ne32(unsigned index, std::uint64_t value, std::string_view name = {});
// (arg & mask) == value
[[nodiscard]] ArgCondition masked32(unsigned index, std::uint64_t mask, std::string_view mask_name,
                                    std::uint64_t value, std::string_view value_name = {});
[[nodiscard]] ArgCondition masked64(unsigned index, std::uint64_t mask, std::string_view mask_name,
                                    std::uint64_t value, std::string_view value_name = {});
}  // namespace arg

struct SyscallRule {
    std::string syscall;
    Action action;
    std::vector<ArgCondition> conditions;  // all must hold; at most one per argument
};

// A named set of rules with the reason it exists, e.g. "memory: allocate and release memory, never executable".
struct SyscallGroup {
    std::string name;
    std::string purpose;
    std::vector<SyscallRule> rules;
};

[[nodiscard]] SyscallRule allow(std::string syscall, std::vector<ArgCondition> conditions = {});
[[nodiscard]] SyscallRule kill(std::string syscall, std::vector<ArgCondition> conditions = {});
[[nodiscard]] SyscallRule fail(int error_number, std::string syscall, std::vector<ArgCondition> conditions = {});

// A BPF program ready to install: cheap to copy (the program is shared, immutable).
class CompiledPolicy {
public:
    CompiledPolicy(std::string name, std::vector<sock_filter> program);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::span<const sock_filter> program() const noexcept { return *program_; }
    [[nodiscard]] std::size_t instruction_count() const noexcept { return program_->size(); }

    // Installs the filter on the calling thread with seccomp(SECCOMP_SET_MODE_FILTER). no_new_privs must
    // already be set (the privilege drop sets it one step earlier); this is checked, not assumed.
    [[nodiscard]] Result<void> install() const;

private:
    std::string name_;
    std::shared_ptr<const std::vector<sock_filter>> program_;
};

class PolicyBuilder {
public:
    PolicyBuilder(std::string name, Action default_action);

    PolicyBuilder& add(SyscallGroup group);
    PolicyBuilder& allow(std::string syscall, std::vector<ArgCondition> conditions = {});
    PolicyBuilder& deny(std::string syscall, Action action, std::vector<ArgCondition> conditions = {});

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] Action default_action() const noexcept { return default_; }
    [[nodiscard]] const std::vector<SyscallGroup>& groups() const noexcept { return groups_; }

    // Validates the rules (known syscalls, one comparison per argument, rules for one syscall with different
    // actions provably disjoint) and compiles them to BPF for the native architecture; other architectures
    // are killed. In a sanitizer build (WARD_SANITIZER_BUILD) the sanitizer-runtime group is merged in.
    // Errors name the policy.
    [[nodiscard]] Result<CompiledPolicy> compile() const;

    // The stable text a reviewer reads: default action, then each group with each rule and its conditions.
    // It describes the release policy; the sanitizer-runtime group is described on its own.
    [[nodiscard]] std::string describe() const;

private:
    std::string name_;
    Action default_;
    std::vector<SyscallGroup> groups_;
};

[[nodiscard]] std::string describe_action(Action action);
[[nodiscard]] std::string describe_rule(const SyscallRule& rule);
[[nodiscard]] std::string describe_group(const SyscallGroup& group);

}  // namespace ward::sandbox
