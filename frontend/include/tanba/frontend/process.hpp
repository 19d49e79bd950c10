#pragma once
// What a process holding keys does about itself: no core dumps (they would hold decrypted
// private keys and passphrases), and secrets taken out of its environment once read.
#include <cstddef>
#include <optional>
#include <string>

#include "tanba/base/bytes.hpp"

namespace tanba::frontend {

enum class CoreDumps { Off, Allowed };
/// Off: RLIMIT_CORE 0 and not dumpable (PR_SET_DUMPABLE 0: no core file, no ptrace by
/// other users, /proc/PID files owned by root). Allowed: left as they are (debugging).
void set_core_dumps(CoreDumps mode);

/// Raises the soft file-descriptor limit (RLIMIT_NOFILE) to the hard one; returns the limit
/// now in force.
std::size_t raise_fd_limit();

/// The value of an environment variable holding a secret (TANBA_PASSPHRASE, TANBA_PIN): read
/// once, then wiped where the kernel shows it (/proc/PID/environ) and removed; later calls
/// return the value read first. Empty values count as absent.
std::optional<Secret> take_env_secret(const char* name);

}  // namespace tanba::frontend
