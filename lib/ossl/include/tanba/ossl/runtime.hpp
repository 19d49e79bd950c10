#pragma once
// Process set-up of OpenSSL for tanba: providers and the national OIDs.
#include <cstddef>
#include <span>
#include <string_view>

#include "tanba/ossl/handles.hpp"

namespace tanba::ossl {

enum class OidKind { Role, Policy, Algorithm, Attribute, Extension };

struct NationalOid {
    std::string_view oid;         // dotted
    std::string_view short_name;  // registered with OpenSSL, e.g. "kzRoleCeo"
    std::string_view long_name;   // printed by `openssl`-style dumps and by tanba
    OidKind kind;
};

/// The national OIDs (Kazakhstan 1.2.398.*, Uzbekistan 1.2.860.*) that tanba knows.
std::span<const NationalOid> national_oids();
/// The entry for a dotted OID, or nullptr.
const NationalOid* find_national_oid(std::string_view dotted);

/// Registers the national OIDs with OpenSSL so they print by name (what Runtime does, without
/// touching providers or the secure heap: for a library loaded into another program, e.g. the C
/// API). Thread-safe; a second call does nothing.
void register_national_oids();

/// Owns what OpenSSL needs for tanba in this process: the default and legacy providers (the
/// legacy one reads NCA's RC2/3DES-encrypted PKCS#12 files), the national OIDs registered
/// so they print by name, and OpenSSL's secure heap (kSecureHeapBytes, locked in memory where
/// RLIMIT_MEMLOCK allows, excluded from core dumps, wiped on free), where the private parts of
/// every key OpenSSL decodes or generates are kept. Create one in main() (or a test's set-up) before other calls; a
/// second instance is harmless (OpenSSL counts provider loads). Not copyable.
inline constexpr std::size_t kSecureHeapBytes = std::size_t{4} << 20;

struct SecureHeapState {
    bool in_use = false;      // initialised: private key numbers are allocated there
    bool locked = false;      // mlock() succeeded (RLIMIT_MEMLOCK large enough)
    std::size_t used = 0;     // bytes allocated now
};
SecureHeapState secure_heap();

class Runtime {
public:
    Runtime();
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

private:
    Provider legacy_;
    Provider default_;
};

}  // namespace tanba::ossl
