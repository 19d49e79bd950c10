#pragma once
// The registry of the identification server (ARCHITECTURE.md, "Enrolment"): persons enrolled
// at a public service center by an operator and approved by a different registrar, non-residents'
// IINs allocated, operator roles, and the hash-chained audit log every change and every read of
// personal data is written to in the same commit. The store keeps rows; the rules are here.
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/clock.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/store/identity_repository.hpp"

namespace tanba::registry {

enum class Role { Operator, Registrar, Admin };
std::string_view to_string(Role r);  // "operator", "registrar", "admin"
std::optional<Role> role_from_string(std::string_view s);

/// Who acts: the holder of a session (their certificate's IIN and name), or the command line.
struct Actor {
    std::string iin;
    std::string name;
};

/// What a PSC operator records. Residents come with their IIN; non-residents get one.
struct EnrolRequest {
    std::string doc_type = "passport", doc_number, doc_country, doc_expiry;  // country: ISO 3166 alpha-2 or -3
    std::string surname, given_name, patronymic, surname_latin, given_name_latin;
    std::string birth_date;   // YYYY-MM-DD
    std::string sex;          // "M" or "F"
    std::string citizenship;  // ISO 3166
    std::string contact;
    std::string iin;          // a resident's existing IIN; empty: allocate one
};

/// An organisation registered at the desk; its BIN is allocated from the registration date and
/// the kind: resident (entity type 4, head unit), non-resident (5, head unit), branch (4, 1),
/// representative-office (4, 2).
struct EntityRequest {
    std::string name;
    std::string kind = "resident";
    std::string registration_date;  // YYYY-MM-DD
};

/// NCA roles of an employee at a legal entity, as the legal-* profiles' role OIDs
/// 1.2.398.3.3.4.1.2.1 … .5 name them.
enum class EmployeeRole { Ceo = 1, Signer, Finance, Hr, Employee };
std::string_view to_string(EmployeeRole r);  // "ceo", "signer", "finance", "hr", "employee"
std::optional<EmployeeRole> employee_role_from_string(std::string_view s);
/// The role a profile's extended key usage carries (1.2.398.3.3.4.1.2.N), if any.
std::optional<EmployeeRole> employee_role_of(const x509::Profile& profile);

/// A certificate asked for a person at the desk: the profile, the request (PEM or DER; its
/// signature is the proof of possession), and the requester's idempotency key (optional).
struct CertificateOrder {
    std::string profile;
    Bytes csr;
    std::string idempotency_key;
};

/// An issued certificate with the issuing CA's chain (the CA first, up to the root).
struct IssuedCertificate {
    x509::Certificate certificate;
    std::vector<x509::Certificate> chain;
};

/// The audit chain's head as a witness keeps it: the last entry's number and hash, and when.
/// Its statement is the text "tanba audit head\nseq: N\nhash: HEX\nat: RFC3339\n", which the
/// CA signs (a detached CMS) for the witness to hold.
struct AuditHead {
    std::int64_t seq = 0;
    Bytes hash;
    TimePoint at{};
};
std::string to_statement(const AuditHead& head);
/// Reads a statement back. Throws DECODE_FAILED for anything else.
AuditHead parse_statement(std::string_view text);

/// A person's status changed, and what it did to their certificates (serials).
struct StatusChange {
    store::PersonRecord person;
    std::vector<std::string> certificates;
};

/// Where the audit chain breaks: the first entry that is missing, out of order or edited.
struct AuditBreak {
    std::int64_t seq;
    std::string what;
};

class Registry {
public:
    Registry(store::IdentityRepository& repo, const Clock& clock);

    /// Records a person as a draft (operator role). A non-resident gets the next free IIN for
    /// their birth date and sex; a resident's IIN must be valid and match them. Throws
    /// AUTH_FORBIDDEN, REGISTRY_INPUT_INVALID, REGISTRY_DUPLICATE_DOCUMENT (naming the
    /// registered person's IIN), REGISTRY_IIN_EXISTS.
    store::PersonRecord enrol(const Actor& by, const EnrolRequest& request);
    /// draft → verified (registrar role, not the operator who enrolled the person). Throws
    /// AUTH_FORBIDDEN, REGISTRY_PERSON_NOT_FOUND, REGISTRY_SAME_PERSON, REGISTRY_STATE_INVALID.
    store::PersonRecord approve(const Actor& by, const std::string& iin);
    /// Issues a certificate to an approved person (registrar role) with the registry's CA: a
    /// citizen profile, or a legal one whose role the person holds at the BIN the request's OU
    /// names (REGISTRY_NOT_EMPLOYEE otherwise); a request whose subject carries the person's IIN
    /// and surname (Latin or as registered). A verified person becomes certified; the issuance is an audit entry.
    /// A repeat with the same idempotency key returns the first certificate. Throws
    /// AUTH_FORBIDDEN, REGISTRY_PERSON_NOT_FOUND, REGISTRY_STATE_INVALID,
    /// REGISTRY_PROFILE_NOT_ALLOWED, REGISTRY_CSR_MISMATCH, and the CA's errors (CSR_*,
    /// PROFILE_NOT_FOUND, LINT_FAILED, CA_IDEMPOTENCY_CONFLICT, ...).
    IssuedCertificate issue(const Actor& by, const std::string& iin, ca::CertificateAuthority& ca, const CertificateOrder& order);
    /// Revokes a certificate the registry's CA issued to a registered person (registrar role),
    /// with an audit entry. Throws AUTH_FORBIDDEN, REGISTRY_CERTIFICATE_NOT_FOUND,
    /// CA_ALREADY_REVOKED.
    ca::ListedCertificate revoke(const Actor& by, ca::CertificateAuthority& ca, const std::string& serial, revocation::Reason reason);

    /// verified or certified → suspended (registrar role): every valid certificate of the person
    /// from the CA put on hold. Repeated on a suspended person, holds what is still valid.
    /// Throws AUTH_FORBIDDEN, REGISTRY_PERSON_NOT_FOUND, REGISTRY_STATE_INVALID.
    StatusChange suspend(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin);
    /// suspended → certified (verified when none is left): the held certificates released.
    StatusChange reinstate(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin);
    /// Any status → closed, for good (registrar role): every valid or held certificate revoked
    /// (cessationOfOperation); the IIN is never given again. Repeated, revokes what is left.
    StatusChange close(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin);

    /// Registers a legal entity (operator role) with the next free BIN for its registration
    /// month and kind. Throws AUTH_FORBIDDEN, REGISTRY_INPUT_INVALID.
    store::LegalEntityRecord register_entity(const Actor& by, const EntityRequest& request);
    /// A legal entity (any role). REGISTRY_ENTITY_NOT_FOUND.
    store::LegalEntityRecord entity(const Actor& by, const std::string& bin);
    /// Links a registered person to an active entity with a role (operator role). Throws
    /// AUTH_FORBIDDEN, REGISTRY_ENTITY_NOT_FOUND, REGISTRY_PERSON_NOT_FOUND,
    /// REGISTRY_ROLE_EXISTS.
    void add_employee(const Actor& by, const std::string& bin, const std::string& iin, EmployeeRole role);
    /// Removes the role (registrar role) and revokes (affiliationChanged) every certificate of
    /// the CA for that person and BIN whose profile carries it; returns their serials. Safe to
    /// repeat: a role already removed still has its certificates revoked. AUTH_FORBIDDEN.
    std::vector<std::string> remove_employee(const Actor& by, ca::CertificateAuthority& ca, const std::string& bin, const std::string& iin,
                                             EmployeeRole role);
    std::vector<EmployeeRole> employee_roles(const std::string& bin, const std::string& iin);

    /// A person's record (any role); the read is an audit entry. REGISTRY_PERSON_NOT_FOUND.
    store::PersonRecord read(const Actor& by, const std::string& iin);

    /// Grants a role. `by` needs the admin role, unless `bootstrap` (the command line, with
    /// the store in hand: the first admins and operators).
    enum class Grant { ByAdmin, Bootstrap };
    void add_role(const Actor& by, const Actor& holder, Role role, Grant grant = Grant::ByAdmin);
    std::vector<Role> roles(const std::string& iin);
    /// Records a login (success or the refusal's code) in the audit log.
    void record_login(const std::string& person, const std::string& outcome);
    /// Records that a relying party received a person's data (OIDC token or userinfo).
    void record_release(const std::string& client_id, const std::string& person, const std::string& action);
    /// The entry record_login appends, for a store that writes it in the login's own commit.
    store::AuditEntry login_entry(const std::string& person, const std::string& outcome) const;

    /// Walks the audit log: the first broken entry, or nullopt when the chain holds — and, with
    /// a witnessed head, still holds the entry the witness saw (a log rewritten whole, its hashes
    /// recomputed, or cut back, breaks there).
    std::optional<AuditBreak> verify_audit(const AuditHead* witnessed = nullptr);
    /// The chain head now, for an external witness.
    AuditHead audit_head();

private:
    void require(const Actor& by, Role role);
    /// The person's record; REGISTRY_PERSON_NOT_FOUND.
    store::PersonRecord person(const std::string& iin);
    /// from → to with the audit entry; REGISTRY_STATE_INVALID when the status is not `from`
    /// (moved meanwhile), REGISTRY_PERSON_NOT_FOUND.
    void change_status(const std::string& iin, const std::string& from, const std::string& to, const std::string& approved_by,
                       store::AuditEntry entry);
    /// Revokes (or holds) one of the person's certificates, with its audit entry.
    ca::ListedCertificate revoke_recorded(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin, const std::string& serial,
                         revocation::Reason reason);
    store::IdentityRepository& repo_;
    const Clock& clock_;
};

/// The hash of an audit entry: SHA-256 over prev_hash, seq, time and the length-prefixed text
/// fields. What the store's chain is made of.
Bytes seal(const store::AuditEntry& entry);

}  // namespace tanba::registry
