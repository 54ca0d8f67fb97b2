#include "sandbox/seccomp_policy.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"
#include "sandbox/syscall_groups.hpp"

namespace ward::sandbox {

namespace arg {
namespace {
ArgCondition make(unsigned index, ArgCondition::Op op, bool is_32bit, std::uint64_t mask, std::string_view mask_name,
                  std::uint64_t value, std::string_view value_name) {
    ArgCondition c;
    c.index = index;
    c.op = op;
    c.is_32bit = is_32bit;
    c.mask = mask;
    c.mask_name = mask_name;
    c.value = value;
    c.value_name = value_name;
    return c;
}
constexpr std::uint64_t kAll = ~std::uint64_t{0};
}  // namespace

ArgCondition eq32(unsigned index, std::uint64_t value, std::string_view name) {
    return make(index, ArgCondition::Op::eq, true, kAll, {}, value, name);
}
ArgCondition eq64(unsigned index, std::uint64_t value, std::string_view name) {
    return make(index, ArgCondition::Op::eq, false, kAll, {}, value, name);
}
ArgCondition ne32(unsigned index, std::uint64_t value, std::string_view name) {
    return make(index, ArgCondition::Op::ne, true, kAll, {}, value, name);
}
ArgCondition masked32(unsigned index, std::uint64_t mask, std::string_view mask_name, std::uint64_t value,
                      std::string_view value_name) {
    return make(index, ArgCondition::Op::masked_eq, true, mask, mask_name, value, value_name);
}
ArgCondition masked64(unsigned index, std::uint64_t mask, std::string_view mask_name, std::uint64_t value,
                      std::string_view value_name) {
    return make(index, ArgCondition::Op::masked_eq, false, mask, mask_name, value, value_name);
}
}  // namespace arg

SyscallRule allow(std::string syscall, std::vector<ArgCondition> conditions) {
    return SyscallRule{std::move(syscall), Action::allow(), std::move(conditions)};
}
SyscallRule kill(std::string syscall, std::vector<ArgCondition> conditions) {
    return SyscallRule{std::move(syscall), Action::kill_process(), std::move(conditions)};
}
SyscallRule fail(int error_number, std::string syscall, std::vector<ArgCondition> conditions) {
    return SyscallRule{std::move(syscall), Action::fail(error_number), std::move(conditions)};
}

// ---- description ----

namespace {

constexpr std::uint64_t kLow32 = 0xffffffffULL;
constexpr std::size_t kMaxInstructions = 4096;  // BPF_MAXINSNS

std::string number(std::uint64_t v) {
    if (v < 4096) {
        return str_cat(v);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int shift = 60; shift >= 0; shift -= 4) {
        const auto digit = static_cast<unsigned>((v >> static_cast<unsigned>(shift)) & 0xfU);
        if (!out.empty() || digit != 0) {
            out.push_back(kHex[digit]);
        }
    }
    return "0x" + out;
}

std::string named(std::uint64_t v, std::string_view name) { return name.empty() ? number(v) : std::string(name); }

std::string describe_condition(const ArgCondition& c) {
    std::string arg = str_cat("arg", c.index);
    switch (c.op) {
        case ArgCondition::Op::eq: return str_cat(arg, " == ", named(c.value, c.value_name));
        case ArgCondition::Op::ne: return str_cat(arg, " != ", named(c.value, c.value_name));
        case ArgCondition::Op::masked_eq:
            return str_cat("(", arg, " & ", named(c.mask, c.mask_name), ") == ", named(c.value, c.value_name));
    }
    return arg;
}

std::string errno_symbol(int err) {
    const char* name = err > 0 ? ::strerrorname_np(err) : nullptr;
    return name != nullptr ? std::string(name) : str_cat("errno ", err);
}

}  // namespace

std::string describe_action(Action action) {
    switch (action.kind) {
        case Action::Kind::allow: return "allow";
        case Action::Kind::kill_process: return "kill";
        case Action::Kind::fail: return str_cat("fail ", errno_symbol(action.error_number));
    }
    return "?";
}

std::string describe_rule(const SyscallRule& rule) {
    std::string out = str_cat(describe_action(rule.action), " ", rule.syscall);
    for (std::size_t i = 0; i < rule.conditions.size(); ++i) {
        out += i == 0 ? " if " : " and ";
        out += describe_condition(rule.conditions[i]);
    }
    return out;
}

std::string describe_group(const SyscallGroup& group) {
    std::string out = str_cat("[", group.name, "] ", group.purpose, "\n");
    for (const auto& rule : group.rules) {
        out += str_cat("  ", describe_rule(rule), "\n");
    }
    return out;
}

// ---- builder ----

PolicyBuilder::PolicyBuilder(std::string name, Action default_action)
    : name_(std::move(name)), default_(default_action) {}

PolicyBuilder& PolicyBuilder::add(SyscallGroup group) {
    groups_.push_back(std::move(group));
    return *this;
}

PolicyBuilder& PolicyBuilder::allow(std::string syscall, std::vector<ArgCondition> conditions) {
    return deny(std::move(syscall), Action::allow(), std::move(conditions));
}

PolicyBuilder& PolicyBuilder::deny(std::string syscall, Action action, std::vector<ArgCondition> conditions) {
    static constexpr std::string_view kOwn = "specific";
    if (groups_.empty() || groups_.back().name != kOwn) {
        groups_.push_back(SyscallGroup{std::string(kOwn), str_cat("rules of ", name_, " alone"), {}});
    }
    groups_.back().rules.push_back(SyscallRule{std::move(syscall), action, std::move(conditions)});
    return *this;
}

std::string PolicyBuilder::describe() const {
    const bool allow_list = default_.kind != Action::Kind::allow;
    std::string out = str_cat("policy ", name_, ": ", allow_list ? "allow-list" : "deny-list", ", default ",
                              describe_action(default_), ", other architectures kill\n");
    for (const auto& group : groups_) {
        out += describe_group(group);
    }
    return out;
}

// ---- compilation ----

namespace {

struct EqForm {
    bool exact = false;  // the condition pins (arg & mask) to value
    std::uint64_t mask = 0;
    std::uint64_t value = 0;
};

// The comparison as compiled: a 32-bit condition in an allow rule compares all 64 bits (upper garbage makes it
// fail, and the default kills); in a deny rule it compares the low 32 bits only, as the kernel reads them.
EqForm eq_form(const ArgCondition& c, bool allow_rule) {
    switch (c.op) {
        case ArgCondition::Op::eq:
            return {true, c.is_32bit && !allow_rule ? kLow32 : ~std::uint64_t{0}, c.value};
        case ArgCondition::Op::masked_eq: {
            const std::uint64_t mask = c.is_32bit ? (c.mask & kLow32) : c.mask;
            return {true, mask, c.value & mask};
        }
        case ArgCondition::Op::ne: return {};
    }
    return {};
}

// True when no argument values can match both rules: some argument is pinned by both to values that differ
// on the bits both compare.
bool disjoint(const SyscallRule& a, const SyscallRule& b) {
    for (const auto& ca : a.conditions) {
        for (const auto& cb : b.conditions) {
            if (ca.index != cb.index) {
                continue;
            }
            const EqForm fa = eq_form(ca, a.action.kind == Action::Kind::allow);
            const EqForm fb = eq_form(cb, b.action.kind == Action::Kind::allow);
            const std::uint64_t common = fa.mask & fb.mask;
            if (fa.exact && fb.exact && (fa.value & common) != (fb.value & common)) {
                return true;
            }
        }
    }
    return false;
}

std::uint32_t scmp_action(Action action) {
    switch (action.kind) {
        case Action::Kind::allow: return SCMP_ACT_ALLOW;
        case Action::Kind::kill_process: return SCMP_ACT_KILL_PROCESS;
        case Action::Kind::fail: return SCMP_ACT_ERRNO(static_cast<std::uint32_t>(action.error_number));
    }
    return SCMP_ACT_KILL_PROCESS;
}

scmp_arg_cmp scmp_condition(const ArgCondition& c, bool allow_rule) {
    scmp_arg_cmp out{};
    out.arg = c.index;
    if (c.op == ArgCondition::Op::ne) {
        out.op = SCMP_CMP_NE;
        out.datum_a = c.value;
        return out;
    }
    const EqForm form = eq_form(c, allow_rule);
    if (form.mask == ~std::uint64_t{0}) {
        out.op = SCMP_CMP_EQ;
        out.datum_a = form.value;
    } else {
        out.op = SCMP_CMP_MASKED_EQ;
        out.datum_a = form.mask;
        out.datum_b = form.value;
    }
    return out;
}

struct Prepared {
    const SyscallRule* rule;
    int number;
};

Result<void> check_rule(const SyscallRule& rule, Action default_action) {
    if (rule.action == default_action) {
        return Error{str_cat("rule '", describe_rule(rule), "' repeats the default action")};
    }
    if (rule.action.kind == Action::Kind::fail && (rule.action.error_number <= 0 || rule.action.error_number > 4095)) {
        return Error{str_cat("rule '", describe_rule(rule), "' has no valid errno")};
    }
    std::array<bool, 6> seen{};
    for (const auto& c : rule.conditions) {
        if (c.index >= seen.size()) {
            return Error{str_cat("rule '", describe_rule(rule), "' names argument ", c.index, " (0-5 exist)")};
        }
        if (seen.at(c.index)) {
            return Error{str_cat("rule '", describe_rule(rule), "' compares argument ", c.index, " twice")};
        }
        seen.at(c.index) = true;
        if (c.op == ArgCondition::Op::ne && c.is_32bit && rule.action.kind == Action::Kind::allow) {
            // Upper garbage would satisfy "!=" while the kernel reads the forbidden low half.
            return Error{str_cat("rule '", describe_rule(rule), "' allows by != on a 32-bit argument")};
        }
    }
    return {};
}

Result<int> resolve(const std::string& syscall) {
    const int nr = ::seccomp_syscall_resolve_name(syscall.c_str());
    if (nr == __NR_SCMP_ERROR) {
        return Error{str_cat("unknown system call '", syscall, "'")};
    }
    if (nr < 0) {
        return Error{str_cat("system call '", syscall, "' does not exist on this architecture")};
    }
    return nr;
}

// Rules for one syscall with different actions must not overlap: libseccomp does not define which wins.
Result<void> check_conflicts(const std::vector<Prepared>& rules) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
        for (std::size_t j = i + 1; j < rules.size(); ++j) {
            const SyscallRule& a = *rules[i].rule;
            const SyscallRule& b = *rules[j].rule;
            if (rules[i].number == rules[j].number && !(a.action == b.action) && !disjoint(a, b)) {
                return Error{str_cat("rules '", describe_rule(a), "' and '", describe_rule(b), "' overlap")};
            }
        }
    }
    return {};
}

// A rule is redundant when an unconditional rule with the same action exists for the same syscall.
bool subsumed(const std::vector<Prepared>& rules, std::size_t index) {
    const SyscallRule& rule = *rules[index].rule;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const SyscallRule& other = *rules[i].rule;
        if (i != index && rules[i].number == rules[index].number && other.action == rule.action &&
            other.conditions.empty() && (!rule.conditions.empty() || i < index)) {
            return true;
        }
    }
    return false;
}

struct ContextDeleter {
    void operator()(void* ctx) const noexcept { ::seccomp_release(ctx); }
};

Result<std::vector<sock_filter>> export_bpf(void* ctx) {
    UniqueFd fd(::memfd_create("ward-seccomp-bpf", MFD_CLOEXEC));
    if (!fd) {
        return sys::errno_error("memfd_create");
    }
    if (const int rc = ::seccomp_export_bpf(ctx, fd.get()); rc < 0) {
        return sys::errno_error("seccomp_export_bpf", -rc);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
        return sys::errno_error("lseek");
    }
    auto bytes = sys::read_fd(fd.get(), (kMaxInstructions + 1) * sizeof(sock_filter), "exported BPF");
    if (!bytes) {
        return std::move(bytes).error();
    }
    if (bytes->empty() || bytes->size() % sizeof(sock_filter) != 0) {
        return Error{str_cat("exported BPF has ", bytes->size(), " bytes")};
    }
    std::vector<sock_filter> program(bytes->size() / sizeof(sock_filter));
    if (program.size() > kMaxInstructions) {
        return Error{str_cat("BPF program has ", program.size(), " instructions, the kernel takes ",
                             kMaxInstructions)};
    }
    std::memcpy(program.data(), bytes->data(), bytes->size());
    return program;
}

std::vector<SyscallRule> rules_to_compile(const std::vector<SyscallGroup>& groups, Action default_action) {
    std::vector<SyscallRule> rules;
    for (const auto& group : groups) {
        rules.insert(rules.end(), group.rules.begin(), group.rules.end());
    }
#ifdef WARD_SANITIZER_BUILD
    // Sanitizer builds only: the ASan/UBSan/LSan runtime's own system calls. An allow-list gains them; a
    // deny-list loses any rule that would refuse them.
    const SyscallGroup runtime = groups::sanitizer_runtime();
    if (default_action.kind == Action::Kind::allow) {
        std::erase_if(rules, [&](const SyscallRule& rule) {
            for (const auto& needed : runtime.rules) {
                if (needed.syscall == rule.syscall && !disjoint(needed, rule)) {
                    return true;
                }
            }
            return false;
        });
    } else {
        rules.insert(rules.end(), runtime.rules.begin(), runtime.rules.end());
    }
#else
    (void)default_action;
#endif
    return rules;
}

Result<CompiledPolicy> compile_rules(const std::string& name, Action default_action,
                                     const std::vector<SyscallRule>& rules) {
    std::vector<Prepared> prepared;
    prepared.reserve(rules.size());
    for (const auto& rule : rules) {
        if (auto ok = check_rule(rule, default_action); !ok) {
            return std::move(ok).error();
        }
        auto nr = resolve(rule.syscall);
        if (!nr) {
            return std::move(nr).error();
        }
        prepared.push_back(Prepared{&rule, *nr});
    }
    if (auto ok = check_conflicts(prepared); !ok) {
        return std::move(ok).error();
    }

    std::unique_ptr<void, ContextDeleter> ctx(::seccomp_init(scmp_action(default_action)));
    if (!ctx) {
        return Error{"seccomp_init failed"};
    }
    if (const int rc = ::seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0) {
        return sys::errno_error("seccomp_attr_set(ACT_BADARCH)", -rc);
    }
    // A binary tree of syscall numbers: long allow-lists cost O(log n) per system call, not O(n).
    if (const int rc = ::seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0) {
        return sys::errno_error("seccomp_attr_set(CTL_OPTIMIZE)", -rc);
    }
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        if (subsumed(prepared, i)) {
            continue;
        }
        const SyscallRule& rule = *prepared[i].rule;
        const bool allow_rule = rule.action.kind == Action::Kind::allow;
        std::vector<scmp_arg_cmp> conditions;
        conditions.reserve(rule.conditions.size());
        for (const auto& c : rule.conditions) {
            conditions.push_back(scmp_condition(c, allow_rule));
        }
        const int rc = ::seccomp_rule_add_exact_array(ctx.get(), scmp_action(rule.action), prepared[i].number,
                                                      static_cast<unsigned>(conditions.size()), conditions.data());
        if (rc < 0) {
            return sys::errno_error(str_cat("rule '", describe_rule(rule), "'"), -rc);
        }
    }
    auto program = export_bpf(ctx.get());
    if (!program) {
        return std::move(program).error();
    }
    return CompiledPolicy(name, std::move(*program));
}

}  // namespace

Result<CompiledPolicy> PolicyBuilder::compile() const {
    const std::vector<SyscallRule> rules = rules_to_compile(groups_, default_);
    auto compiled = compile_rules(name_, default_, rules);
    if (!compiled) {
        return Error{str_cat("seccomp policy ", name_, ": ", compiled.error().message)};
    }
    return compiled;
}

// ---- installation ----

CompiledPolicy::CompiledPolicy(std::string name, std::vector<sock_filter> program)
    : name_(std::move(name)), program_(std::make_shared<const std::vector<sock_filter>>(std::move(program))) {}

Result<void> CompiledPolicy::install() const {
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
        return Error{str_cat("seccomp policy ", name_, ": no_new_privs must be set before the filter")};
    }
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program_->size());
    prog.filter = const_cast<sock_filter*>(program_->data());  // the kernel copies it and never writes
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0U, &prog) != 0) {
        return sys::errno_error(str_cat("seccomp policy ", name_, ": install"));
    }
    return {};
}

}  // namespace ward::sandbox
