#include "tanba/ossl/runtime.hpp"

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/provider.h>

#include <array>
#include <mutex>
#include <string>

#include "tanba/ossl/errors.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::ossl {
namespace {

// Sources: shared/reference/kz-uz-anchors.md §2.2, §2.3, §1.4 (NCA test certificates, NCANode).
constexpr std::array<NationalOid, 33> kOids{{
    {"1.2.398.3.3.4.1", "kzRoleSubscriber", "KZ subscriber role", OidKind::Role},
    {"1.2.398.3.3.4.1.1", "kzRoleIndividual", "KZ individual", OidKind::Role},
    {"1.2.398.3.3.4.1.2", "kzRoleLegalEntity", "KZ legal entity", OidKind::Role},
    {"1.2.398.3.3.4.1.2.1", "kzRoleCeo", "KZ legal entity: first head (CEO)", OidKind::Role},
    {"1.2.398.3.3.4.1.2.2", "kzRoleSigner", "KZ legal entity: signing right", OidKind::Role},
    {"1.2.398.3.3.4.1.2.3", "kzRoleFinance", "KZ legal entity: financial documents", OidKind::Role},
    {"1.2.398.3.3.4.1.2.4", "kzRoleHr", "KZ legal entity: human resources", OidKind::Role},
    {"1.2.398.3.3.4.1.2.5", "kzRoleEmployee", "KZ legal entity: employee", OidKind::Role},
    {"1.2.398.3.3.4.2", "kzRoleNcaStaff", "KZ NCA privileges", OidKind::Role},
    {"1.2.398.3.3.4.2.1", "kzRoleNcaAdmin", "KZ NCA administrator", OidKind::Role},
    {"1.2.398.3.3.4.2.2", "kzRoleNcaManager", "KZ NCA manager", OidKind::Role},
    {"1.2.398.3.3.4.2.3", "kzRoleNcaOperator", "KZ NCA operator", OidKind::Role},
    {"1.2.398.3.3.4.3", "kzRoleIdentification", "KZ identification", OidKind::Role},
    {"1.2.398.3.3.4.3.1", "kzRoleIdentCon", "KZ identification (CON)", OidKind::Role},
    {"1.2.398.3.3.4.3.2", "kzRoleIdentRemote", "KZ remote identification", OidKind::Role},
    {"1.2.398.3.3.4.3.2.1", "kzRoleIdentDigitalId", "KZ remote identification via Digital ID", OidKind::Role},
    {"1.2.398.3.1.2", "kzRootPolicy", "KZ root CA policy", OidKind::Policy},
    {"1.2.398.3.3.1.1", "kzNcaCaPolicy", "KZ NCA CA policy (2004 generation)", OidKind::Policy},
    {"1.2.398.3.3.2", "kzNcaPolicy", "KZ NCA certificate policy", OidKind::Policy},
    {"1.2.398.3.3.2.1", "kzNcaSignGostPolicy", "KZ NCA signing policy (GOST)", OidKind::Policy},
    {"1.2.398.3.3.2.3", "kzNcaSignRsaPolicy", "KZ NCA signing policy (RSA)", OidKind::Policy},
    {"1.2.398.3.3.2.4", "kzNcaAuthRsaPolicy", "KZ NCA authentication policy (RSA)", OidKind::Policy},
    {"1.2.398.3.3.2.6.1", "kzTsaPolicy", "KZ NCA time-stamping policy", OidKind::Policy},
    {"1.2.398.3.3.5", "kzKeyStorage", "KZ key storage type", OidKind::Extension},
    {"1.2.398.3.10.1.1.1.1", "kzGost2004PublicKey", "GOST 34.310-2004 public key", OidKind::Algorithm},
    {"1.2.398.3.10.1.1.1.2", "kzGost2004WithGost34311", "GOST 34.310-2004 with GOST 34.311-95", OidKind::Algorithm},
    {"1.2.398.3.10.1.3.1", "kzGost34311", "GOST 34.311-95", OidKind::Algorithm},
    {"1.2.398.3.10.1.1.2.2", "kzGost2015PublicKey", "GOST R 34.10-2015 public key (KZ)", OidKind::Algorithm},
    {"1.2.398.3.10.1.1.2.3.1", "kzGost2015Sign256", "GOST R 34.10-2015-256 signature (KZ)", OidKind::Algorithm},
    {"1.2.398.3.10.1.1.2.3.2", "kzGost2015Sign512", "GOST R 34.10-2015-512 signature (KZ)", OidKind::Algorithm},
    {"1.2.398.3.10.1.3.3", "kzGost2015Digest512", "GOST R 34.11-2015-512 (KZ)", OidKind::Algorithm},
    {"1.2.860.3.16.1.1", "uzOrgInn", "UZ legal entity INN", OidKind::Attribute},
    {"1.2.860.3.16.1.2", "uzPinfl", "UZ PINFL", OidKind::Attribute},
}};

}  // namespace

std::span<const NationalOid> national_oids() { return kOids; }

const NationalOid* find_national_oid(std::string_view dotted) {
    for (const auto& o : kOids)
        if (o.oid == dotted) return &o;
    return nullptr;
}

namespace {
bool& secure_heap_locked() {
    static bool locked = false;  // CRYPTO_secure_malloc_init: 1 locked, 2 in use but not locked
    return locked;
}
}  // namespace

namespace {
std::mutex& setup_mutex() {
    static std::mutex m;
    return m;
}

void register_oids_locked() {
    for (const auto& o : kOids) {
        std::string oid(o.oid), sn(o.short_name), ln(o.long_name);
        if (OBJ_txt2nid(oid.c_str()) == NID_undef) OBJ_create(oid.c_str(), sn.c_str(), ln.c_str());
    }
}
}  // namespace

void register_national_oids() {
    std::lock_guard lock(setup_mutex());
    register_oids_locked();
    clear_errors();
}

Runtime::Runtime()
    : legacy_(OSSL_PROVIDER_load(nullptr, "legacy")), default_(OSSL_PROVIDER_load(nullptr, "default")) {
    // Providers are reference-counted by OpenSSL; OBJ_create is guarded by the lookup.
    std::lock_guard lock(setup_mutex());
    if (!CRYPTO_secure_malloc_initialized()) secure_heap_locked() = CRYPTO_secure_malloc_init(kSecureHeapBytes, 64) == 1;
    register_oids_locked();
    clear_errors();  // a missing legacy provider only matters for legacy PKCS#12, reported there
}

Runtime::~Runtime() = default;

SecureHeapState secure_heap() {
    return {CRYPTO_secure_malloc_initialized() == 1, secure_heap_locked(), CRYPTO_secure_used()};
}

}  // namespace tanba::ossl
