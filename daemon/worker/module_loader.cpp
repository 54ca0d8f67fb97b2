#include "daemon/worker/module_loader.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/worker/elf_dependencies.hpp"
#include "wardftpd/module.h"

// The C ABI's opaque call handle: what one handler call may reach.
struct ward_call {
    ward::ftp::ExtensionContext* context = nullptr;
    std::vector<std::string>* lines = nullptr;
    std::string module;
};

namespace ward::worker {
namespace {

constexpr std::size_t kMaxSiteVerb = 16;

std::string clean_line(const char* text) {
    std::string line = text == nullptr ? std::string() : std::string(text, ::strnlen(text, WARD_MODULE_MAX_LINE));
    std::replace_if(line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
    return line;
}

void host_reply_line(ward_call* call, const char* text) {
    if (call->lines->size() < WARD_MODULE_MAX_REPLY_LINES) {
        call->lines->push_back(clean_line(text));
    }
}
const char* host_user(const ward_call* call) { return call->context->user().c_str(); }
const char* host_cwd(const ward_call* call) { return call->context->cwd().c_str(); }
int host_stat_path(ward_call* call, const char* path, struct stat* out) {
    return path == nullptr || out == nullptr ? EINVAL : call->context->stat_path(path, *out);
}
int host_set_times(ward_call* call, const char* path, time_t atime, time_t mtime) {
    return path == nullptr ? EINVAL : call->context->set_times(path, atime, mtime);
}
int host_make_dir(ward_call* call, const char* path, mode_t mode) {
    return path == nullptr ? EINVAL : call->context->make_dir(path, mode);
}
int host_remove_tree(ward_call* call, const char* path) {
    return path == nullptr ? EINVAL : call->context->remove_tree(path);
}
void host_log_line(ward_call* call, const char* text) { log::info(call->module, ": ", clean_line(text)); }

constexpr ward_host_api kHostApi = {WARD_MODULE_ABI_VERSION, host_reply_line, host_user,     host_cwd,
                                    host_stat_path,          host_set_times,  host_make_dir, host_log_line,
                                    host_remove_tree};

bool valid_site_verb(const char* verb) {
    const std::size_t n = verb == nullptr ? 0 : ::strnlen(verb, kMaxSiteVerb + 1);
    return n > 0 && n <= kMaxSiteVerb && std::all_of(verb, verb + n, [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Every count and pointer of a table, before anything in it is used.
Result<void> check_table(const ward_module* table, const std::string& expected) {
    if (table == nullptr) {
        return Error{"ward_module_entry() returned NULL"};
    }
    if (table->abi_version != WARD_MODULE_ABI_VERSION) {
        return Error{str_cat("built for module ABI ", table->abi_version, ", this wardftpd has ",
                             WARD_MODULE_ABI_VERSION)};
    }
    if (table->name == nullptr || expected != table->name) {
        return Error{str_cat("calls itself '", table->name == nullptr ? "" : clean_line(table->name), "', not '",
                             expected, "'")};
    }
    if (table->site_command_count > WARD_MODULE_MAX_COMMANDS || table->listener_count > WARD_MODULE_MAX_LISTENERS ||
        table->directive_count > WARD_MODULE_MAX_DIRECTIVES ||
        (table->site_command_count > 0 && table->site_commands == nullptr) ||
        (table->listener_count > 0 && table->listeners == nullptr)) {
        return Error{"its table has too many entries or a missing array"};
    }
    for (std::size_t i = 0; i < table->site_command_count; ++i) {
        const ward_site_command& c = table->site_commands[i];
        if (!valid_site_verb(c.name) || c.handle == nullptr) {
            return Error{str_cat("SITE command #", i, " has a bad name (A-Z, at most 16) or no handler")};
        }
    }
    for (std::size_t i = 0; i < table->listener_count; ++i) {
        const ward_event_listener& l = table->listeners[i];
        if (l.handle == nullptr || l.event == nullptr ||
            (std::strcmp(l.event, WARD_EVENT_SESSION_START) != 0 && std::strcmp(l.event, WARD_EVENT_COMMAND_DONE) != 0)) {
            return Error{str_cat("listener #", i, " has no handler or an unknown event")};
        }
    }
    return {};
}

}  // namespace

class LoadedModules final : public ftp::SessionExtensions {
public:
    void add(const ward_module* table) {
        for (std::size_t i = 0; i < table->site_command_count; ++i) {
            const ward_site_command& command = table->site_commands[i];
            if (has_site_command(command.name) || std::strcmp(command.name, "CHMOD") == 0 ||
                std::strcmp(command.name, "HELP") == 0) {
                log::notice(table->name, ": SITE ", command.name, " is already provided; the first one stays");
                continue;
            }
            commands_.push_back({&command, table->name});
        }
        for (std::size_t i = 0; i < table->listener_count; ++i) {
            listeners_.push_back({&table->listeners[i], table->name});
        }
    }

    [[nodiscard]] bool has_site_command(std::string_view verb) const override { return find(verb) != nullptr; }

    [[nodiscard]] ftp::ExtensionReply run_site_command(std::string_view verb, std::string_view argument,
                                                       ftp::ExtensionContext& context) override {
        const Command* command = find(verb);
        ftp::ExtensionReply reply;
        ward_call call{&context, &reply.lines, command->module};
        const std::string arg(argument.substr(0, argument.find('\0')));
        reply.code = command->entry->handle(&kHostApi, &call, arg.c_str());
        if (reply.code < 200 || reply.code > 599) {
            log::error(command->module, ": SITE ", verb, " returned reply code ", reply.code);
            reply.code = 500;
            reply.lines = {str_cat("SITE ", verb, " failed")};
        }
        if (reply.lines.empty()) {
            reply.lines.push_back(str_cat("SITE ", verb, " command done"));
        }
        return reply;
    }

    [[nodiscard]] std::vector<std::string> site_help() const override {
        std::vector<std::string> lines;
        for (const auto& c : commands_) {
            lines.push_back(str_cat(" ", c.entry->name, c.entry->help != nullptr ? " " : "",
                                    c.entry->help != nullptr ? clean_line(c.entry->help) : std::string()));
        }
        return lines;
    }

    void session_started(ftp::ExtensionContext& context) override {
        const ward_event event{WARD_EVENT_SESSION_START, nullptr, nullptr, 0};
        notify(event, context);
    }

    void command_done(std::string_view verb, std::string_view argument, int code,
                      ftp::ExtensionContext& context) override {
        const std::string v(verb);
        const std::string a(argument.substr(0, argument.find('\0')));
        const ward_event event{WARD_EVENT_COMMAND_DONE, v.c_str(), a.c_str(), code};
        notify(event, context);
    }

private:
    struct Command {
        const ward_site_command* entry;
        std::string module;
    };
    struct Listener {
        const ward_event_listener* entry;
        std::string module;
    };

    [[nodiscard]] const Command* find(std::string_view verb) const {
        const auto it = std::find_if(commands_.begin(), commands_.end(),
                                     [verb](const Command& c) { return verb == c.entry->name; });
        return it == commands_.end() ? nullptr : &*it;
    }

    void notify(const ward_event& event, ftp::ExtensionContext& context) {
        std::vector<std::string> ignored;  // listeners add no reply lines
        for (const auto& l : listeners_) {
            if (std::strcmp(l.entry->event, event.name) == 0) {
                ward_call call{&context, &ignored, l.module};
                l.entry->handle(&kHostApi, &call, &event);
            }
        }
    }

    std::vector<Command> commands_;
    std::vector<Listener> listeners_;
};

Result<ModuleLoading> ModuleLoading::prepare(const modules::ModuleSet& set) {
    ModuleLoading loading;
    for (const auto& library : set.libraries()) {
        loading.objects_.push_back({library.memfd.get(), library.path, true});
    }
    for (const auto& module : set.modules()) {
        loading.objects_.push_back({module.memfd.get(), module.module_name, false});
    }
    if (loading.objects_.empty()) {
        return loading;
    }
    loading.proc_fd_dir_ = UniqueFd(::open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!loading.proc_fd_dir_) {
        return sys::errno_error("open /proc/self/fd (modules are loaded through it)");
    }
    return loading;
}

std::vector<int> ModuleLoading::fds() const {
    std::vector<int> fds{proc_fd_dir_.get()};
    for (const auto& object : objects_) {
        fds.push_back(object.memfd);
    }
    return fds;
}

// The dynamic linker runs after chroot: a DT_NEEDED name it does not find among the loaded objects would be
// searched for in the user's tree. Every one must be loaded already, or be a verified LoadFile library
// (loaded first, RTLD_GLOBAL, matched by its DT_SONAME).
Result<void> ModuleLoading::dependencies_present() const {
    std::vector<std::string> present = loaded_object_names();
    std::vector<ElfDependencies> wanted;
    for (const auto& object : objects_) {
        auto deps = read_elf_dependencies(object.memfd);
        if (!deps) {
            return Error{str_cat(object.name, ": ", deps.error().message)};
        }
        if (object.library && !deps->soname.empty()) {
            present.push_back(deps->soname);
        }
        wanted.push_back(std::move(*deps));
    }
    for (std::size_t i = 0; i < objects_.size(); ++i) {
        for (const auto& name : wanted[i].needed) {
            if (std::find(present.begin(), present.end(), name) == present.end()) {
                return Error{str_cat(objects_[i].name, ": needs ", name,
                                     ", which the daemon has not loaded; it would be looked up inside the user's "
                                     "root (refused): LoadFile it, signed, or link it into the daemon")};
            }
        }
    }
    return {};
}

Result<void> ModuleLoading::load() {
    if (objects_.empty()) {
        return {};
    }
    // The working directory is /proc/self/fd only while dlopen runs; it returns to where it was after.
    const UniqueFd here(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!here || ::fchdir(proc_fd_dir_.get()) != 0) {
        return sys::errno_error("entering /proc/self/fd to load modules");
    }
    auto modules = std::make_shared<LoadedModules>();
    Result<void> outcome = dependencies_present();
    for (const auto& object : objects_) {
        if (!outcome) {
            break;
        }
        const std::string relative = str_cat("./", object.memfd);
        void* handle = ::dlopen(relative.c_str(), RTLD_NOW | (object.library ? RTLD_GLOBAL : RTLD_LOCAL));
        if (handle == nullptr) {
            const char* why = ::dlerror();
            outcome = Error{str_cat(object.name, ": dlopen: ", why != nullptr ? why : "failed")};
            break;
        }
        if (object.library) {
            continue;
        }
        void* symbol = ::dlsym(handle, WARD_MODULE_ENTRY_SYMBOL);
        if (symbol == nullptr) {
            outcome = Error{str_cat(object.name, ": has no ", WARD_MODULE_ENTRY_SYMBOL, "()")};
            break;
        }
        const auto entry = reinterpret_cast<ward_module_entry_fn>(symbol);  // NOLINT(*-reinterpret-cast)
        const ward_module* table = entry();
        if (auto ok = check_table(table, object.name); !ok) {
            outcome = Error{str_cat(object.name, ": ", ok.error().message)};
            break;
        }
        modules->add(table);
        log::debug(2, "module ", object.name, " loaded");
    }
    const bool back = ::fchdir(here.get()) == 0;
    for (const auto& object : objects_) {
        (void)::close(object.memfd);
    }
    proc_fd_dir_.reset();
    if (!back) {
        return sys::errno_error("returning from /proc/self/fd");
    }
    if (outcome) {
        loaded_ = std::move(modules);
    }
    return outcome;
}

std::shared_ptr<ftp::SessionExtensions> ModuleLoading::extensions() const { return loaded_; }

}  // namespace ward::worker
