#pragma once
// The identification server's store: login nonces and sessions (the registry of persons,
// legal entities and the audit log join it). Backends: SQLite (sqlite_identity_store.hpp);
// PostgreSQL later, on the same contract.
//
// Contract: every write is durable when the call returns; writes are safe from several
// threads and processes at once. Nonces and sessions are given as hashes: the store never
// sees what a client holds.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/store/sqlite_store.hpp"

namespace tanba::store {

/// What spending a nonce found: it had not been used (it is now), or it had.
enum class NonceSpent { Now, Already };

/// A person in the registry, as stored (lib/registry gives the fields their meaning).
struct PersonRecord {
    std::string iin;
    std::string residency = "non-resident";  // or "resident"
    std::string status = "draft";            // draft, verified, certified, suspended, closed
    std::string doc_type, doc_number, doc_country, doc_expiry;
    std::string surname, given_name, patronymic, surname_latin, given_name_latin;
    std::string birth_date;                  // YYYY-MM-DD
    std::string sex;                         // "M" or "F"
    std::string citizenship, contact;
    std::string enrolled_by, approved_by;    // operators' IINs
    TimePoint created_at{}, updated_at{};
};

/// One entry of the append-only audit log. seq, prev_hash and hash are filled by the store
/// inside the commit of the change it records (hash through the caller's seal).
struct AuditEntry {
    std::int64_t seq = 0;
    TimePoint at{};
    std::string actor, action, subject, detail;
    Bytes prev_hash, hash;
};
/// The entry's hash from its fields and prev_hash: lib/registry's rule, run inside the commit.
using AuditSeal = std::function<Bytes(const AuditEntry&)>;

/// An identifier allocated inside the commit that stores its holder: a non-resident's IIN (the
/// prefix is its first 7 digits: birth date YYMMDD and the century/sex digit) or a legal
/// entity's BIN (its first 6: registration YYMM, entity type, attribute). `make` gets the first
/// free serial for the prefix — one more than the largest used, 0 when none — and returns the
/// identifier and the serial it took (it may skip serials whose check digit is undefined).
struct Allocation {
    std::string prefix;
    std::function<std::pair<std::string, int>(int first_free)> make;
};

/// A legal entity in the registry, as stored.
struct LegalEntityRecord {
    std::string bin, name;
    std::string kind;                        // resident, non-resident, branch, representative-office
    std::string registration_date;           // YYYY-MM-DD
    std::string status = "active";           // active, closed
    std::string registered_by;               // the operator's IIN
    TimePoint created_at{};
};

class OidcRepository;  // oidc_repository.hpp

/// What a session is opened for: the identity (JSON, returned by find_session) and whom it
/// names (auth::person_of: the IIN, "UZ:" + PINFL, or empty).
struct SessionSubject {
    std::string identity;
    std::string person;
};

class IdentityRepository {
public:
    virtual ~IdentityRepository() = default;

    /// The OpenID Connect provider's tables, in the same store (same commits and readers).
    virtual OidcRepository& oidc() = 0;

    /// The key that authenticates login nonces: `candidate` (random bytes from the caller) is
    /// stored when the store has none yet, and the stored key is returned — so every server on
    /// one store accepts the nonces of the others.
    virtual Bytes nonce_key(ByteView candidate) = 0;
    /// Records a nonce (its hash) as used until it expires, in one durable commit.
    virtual NonceSpent spend_nonce(ByteView hash, TimePoint expires_at) = 0;
    /// A login in one durable commit: spends the nonce and, when it had not been used, stores
    /// the session and the audit entry (if given). Already: nothing stored.
    virtual NonceSpent open_session(ByteView nonce_hash, TimePoint nonce_expires, TimePoint now, ByteView session_hash,
                                    const SessionSubject& subject, TimePoint expires_at, const std::optional<AuditEntry>& audit,
                                    const AuditSeal& seal) = 0;
    /// The subject of a session that exists and has not expired at `now`.
    virtual std::optional<std::string> find_session(ByteView hash, TimePoint now) = 0;
    /// True when the session existed (it is gone now).
    virtual bool remove_session(ByteView hash) = 0;
    /// Ends every session of a person (SessionSubject::person) and the OpenID Connect tokens
    /// they gave, in one commit; returns how many sessions. Repeating it finds none.
    virtual std::size_t end_sessions_of(const std::string& person) = 0;
    /// Removes used nonces, sessions, OIDC codes, tokens and assertions expired before `now`; returns how many.
    virtual std::size_t purge_expired(TimePoint now) = 0;

    /// Stores a person and the audit entry (its subject set to the IIN when empty) in one
    /// durable commit, the IIN allocated inside it when `allocation` is given (else rec.iin as
    /// given). Throws STORE_CONFLICT, nothing written, when the document (country, number) or
    /// the IIN is registered already — its context names the existing person's IIN.
    virtual PersonRecord add_person(PersonRecord rec, const std::optional<Allocation>& allocation, AuditEntry audit,
                                    const AuditSeal& seal) = 0;
    virtual std::optional<PersonRecord> find_person(const std::string& iin) = 0;
    /// Sets status `to` (and approved_by when not empty) on the person whose status is `from`,
    /// with the audit entry, in one commit. STORE_NOT_FOUND / STORE_CONFLICT (another status).
    virtual void change_person_status(const std::string& iin, const std::string& from, const std::string& to,
                                      const std::string& approved_by, AuditEntry audit, const AuditSeal& seal) = 0;
    /// Grants a role (operator, registrar, admin) to the holder of an IIN, with the audit entry.
    virtual void add_role(const std::string& iin, const std::string& role, const std::string& name, AuditEntry audit,
                          const AuditSeal& seal) = 0;
    virtual std::vector<std::string> roles_of(const std::string& iin) = 0;
    /// Stores a legal entity (its BIN allocated inside the commit) with the audit entry (its
    /// subject set to the BIN when empty).
    virtual LegalEntityRecord add_legal_entity(LegalEntityRecord rec, const Allocation& allocation, AuditEntry audit,
                                               const AuditSeal& seal) = 0;
    virtual std::optional<LegalEntityRecord> find_legal_entity(const std::string& bin) = 0;
    /// Links an employee (IIN) to an entity with a role, with the audit entry. STORE_CONFLICT,
    /// nothing written, when the role is held already.
    virtual void add_employee_role(const std::string& bin, const std::string& iin, const std::string& role, const std::string& added_by,
                                   AuditEntry audit, const AuditSeal& seal) = 0;
    /// Removes the role with the audit entry, in one commit; false (nothing written) when it
    /// was not held.
    virtual bool remove_employee_role(const std::string& bin, const std::string& iin, const std::string& role, AuditEntry audit,
                                      const AuditSeal& seal) = 0;
    virtual std::vector<std::string> employee_roles(const std::string& bin, const std::string& iin) = 0;
    /// Appends an entry that records no change of its own (a login, a read of personal data).
    virtual void append_audit(AuditEntry audit, const AuditSeal& seal) = 0;
    /// Every entry in seq order (streamed), as stored.
    virtual void for_each_audit(const std::function<void(const AuditEntry&)>& each) = 0;
    /// The newest entry (highest seq), if any.
    virtual std::optional<AuditEntry> last_audit() = 0;
};

/// Opens the store a URI names: "sqlite:PATH" (PostgreSQL later). Throws CONFIG_INVALID for
/// another scheme, and as open_sqlite_identity.
std::unique_ptr<IdentityRepository> open_identity_store(const std::string& uri, OpenMode mode, const Clock& clock);

/// Opens (and migrates) the identification server's SQLite store. Throws as open_sqlite.
std::unique_ptr<IdentityRepository> open_sqlite_identity(const std::filesystem::path& file, OpenMode mode, const Clock& clock);

}  // namespace tanba::store
