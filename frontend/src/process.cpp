#include "tanba/frontend/process.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace tanba::frontend {

void set_core_dumps(CoreDumps mode) {
    if (mode == CoreDumps::Allowed) return;
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

std::size_t raise_fd_limit() {
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return 1024;
    if (l.rlim_cur < l.rlim_max) {
        rlimit raised{l.rlim_max, l.rlim_max};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) l = raised;
    }
    return l.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20 : static_cast<std::size_t>(l.rlim_cur);
}

std::optional<Secret> take_env_secret(const char* name) {
    static std::mutex mutex;
    static std::map<std::string, std::optional<Secret>> taken;
    std::lock_guard lock(mutex);
    auto copy = [](const std::optional<Secret>& s) { return s ? std::optional<Secret>(Secret(s->reveal())) : std::nullopt; };
    if (auto it = taken.find(name); it != taken.end()) return copy(it->second);
    std::optional<Secret> value;
    if (char* env = std::getenv(name)) {
        if (*env) value = Secret(std::string(env));
        explicit_bzero(env, std::strlen(env));  // the bytes /proc/PID/environ shows
        ::unsetenv(name);
    }
    auto& kept = taken[name];
    kept = std::move(value);
    return copy(kept);
}

}  // namespace tanba::frontend
