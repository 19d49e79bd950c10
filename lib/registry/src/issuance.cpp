// Certificates for registered persons: what the registry allows the CA to issue, and revocation.
#include <algorithm>

#include "tanba/registry/registry.hpp"
#include "tanba/x509/name.hpp"

namespace tanba::registry {
namespace {

bool equal_ascii_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
               return up(x) == up(y);
           });
}

// The request names this person: their IIN, a BIN only for a legal profile, and the surname
// as registered (either spelling; ASCII letters in any case, as NCA writes names in capitals).
void require_subject_of(const store::PersonRecord& p, const x509::SubjectIdentity& id, bool legal) {
    if (id.iin != p.iin) throw Error(ErrorCode::REGISTRY_CSR_MISMATCH, "the request's serialNumber is not IIN" + p.iin);
    if (!legal && !id.bin.empty()) throw Error(ErrorCode::REGISTRY_CSR_MISMATCH, "a citizen profile's request carries no BIN");
    if (legal && id.bin.empty()) throw Error(ErrorCode::REGISTRY_CSR_MISMATCH, "a legal profile's request carries the BIN in OU");
    if (!equal_ascii_case(id.surname, p.surname) && (p.surname_latin.empty() || !equal_ascii_case(id.surname, p.surname_latin)))
        throw Error(ErrorCode::REGISTRY_CSR_MISMATCH, "the request's SURNAME is not the registered surname");
}

}  // namespace

IssuedCertificate Registry::issue(const Actor& by, const std::string& iin, ca::CertificateAuthority& ca, const CertificateOrder& order) {
    require(by, Role::Registrar);
    const auto person = this->person(iin);
    if (person.status != "verified" && person.status != "certified")
        throw Error(ErrorCode::REGISTRY_STATE_INVALID, "certificates are issued to approved persons; this one is " + person.status);
    const auto& profile = ca.profiles().get(order.profile);
    const bool legal = profile.subject == x509::SubjectRule::Legal;
    const auto role = employee_role_of(profile);
    if (profile.is_ca() || !(profile.subject == x509::SubjectRule::Citizen || (legal && role)))
        throw Error(ErrorCode::REGISTRY_PROFILE_NOT_ALLOWED, "'" + order.profile + "' is neither a citizen profile nor a legal role's");
    const auto csr = x509::CertificateRequest::load(order.csr);
    const auto subject = x509::identity_from_name(csr.subject());
    require_subject_of(person, subject, legal);
    if (legal) {
        const auto entity = repo_.find_legal_entity(subject.bin);
        if (!entity || entity->status != "active") throw Error(ErrorCode::REGISTRY_ENTITY_NOT_FOUND, "no active entity BIN " + subject.bin);
        const auto held = employee_roles(subject.bin, iin);
        if (std::find(held.begin(), held.end(), *role) == held.end())
            throw Error(ErrorCode::REGISTRY_NOT_EMPLOYEE, "IIN " + iin + " is not " + std::string(to_string(*role)) + " at BIN " + subject.bin);
    }

    auto certificate = ca.issue(order.profile, csr, ca::IssueOptions{order.idempotency_key});
    // The certificate is stored (the CA's store) before the registry records it: a failure here
    // is answered as an error, and the request repeated with its idempotency key records it.
    store::AuditEntry audit{0, clock_.now(), by.iin, "certificate.issue", iin, certificate.serial_hex() + " " + order.profile, {}, {}};
    bool recorded = false;
    if (person.status == "verified") {
        try {
            repo_.change_person_status(iin, "verified", "certified", "", audit, seal);
            recorded = true;
        } catch (const Error& e) {
            if (e.code() != ErrorCode::STORE_CONFLICT) throw;  // certified meanwhile by another request
        }
    }
    if (!recorded) repo_.append_audit(audit, seal);
    return {std::move(certificate), ca.chain()};
}

ca::ListedCertificate Registry::revoke(const Actor& by, ca::CertificateAuthority& ca, const std::string& serial, revocation::Reason reason) {
    require(by, Role::Registrar);
    std::optional<ca::ListedCertificate> found;
    try {
        found = ca.find(serial);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::STORE_NOT_FOUND) throw;
    }
    // Only the certificates of registered persons: not the CA's own responder or TSA.
    if (!found || found->record.subject_iin.empty() || !repo_.find_person(found->record.subject_iin))
        throw Error(ErrorCode::REGISTRY_CERTIFICATE_NOT_FOUND, serial);
    return revoke_recorded(by, ca, found->record.subject_iin, found->record.serial, reason);
}

ca::ListedCertificate Registry::revoke_recorded(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin, const std::string& serial,
                                                revocation::Reason reason) {
    auto revoked = ca.revoke(serial, reason);
    const bool hold = reason == revocation::Reason::CertificateHold;
    repo_.append_audit({0, clock_.now(), by.iin, hold ? "certificate.hold" : "certificate.revoke", iin,
                        serial + " " + std::string(revocation::to_string(reason)), {}, {}},
                       seal);
    return revoked;
}

}  // namespace tanba::registry
