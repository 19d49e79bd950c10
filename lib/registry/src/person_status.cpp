// A person's status after approval: suspended (certificates on hold), reinstated, closed
// (certificates revoked). The status changes first, with its audit entry; the certificates
// follow, each an audit entry of its own, so that a run cut short is finished by repeating it.
#include <algorithm>

#include "tanba/registry/registry.hpp"

namespace tanba::registry {
namespace {

std::vector<ca::ListedCertificate> certificates_of(ca::CertificateAuthority& ca, const std::string& iin, ca::CertificateState state) {
    store::CertificateQuery q;
    q.issuer = ca.issuer_id();
    q.subject_iin = iin;
    return ca.list(q, state);
}

// The status moved meanwhile (another registrar): said as the state it is now not being `from`.
void change_status(store::IdentityRepository& repo, const std::string& iin, const std::string& from, const std::string& to,
                   store::AuditEntry entry) {
    try {
        repo.change_person_status(iin, from, to, "", std::move(entry), seal);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::STORE_CONFLICT) throw Error(ErrorCode::REGISTRY_STATE_INVALID, "the person's status changed meanwhile (" + e.context() + ")");
        throw;
    }
}

}  // namespace

StatusChange Registry::suspend(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    auto p = repo_.find_person(iin);
    if (!p) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
    if (p->status != "suspended") {
        if (p->status != "verified" && p->status != "certified")
            throw Error(ErrorCode::REGISTRY_STATE_INVALID, "only an approved person is suspended; this one is " + p->status);
        change_status(repo_, iin, p->status, "suspended", {0, clock_.now(), by.iin, "person.suspend", iin, p->status, {}, {}});
    }
    StatusChange out{*repo_.find_person(iin), {}};
    for (const auto& c : certificates_of(ca, iin, ca::CertificateState::Valid)) {
        ca.revoke(c.record.serial, revocation::Reason::CertificateHold);
        repo_.append_audit({0, clock_.now(), by.iin, "certificate.hold", iin, c.record.serial, {}, {}}, seal);
        out.certificates.push_back(c.record.serial);
    }
    return out;
}

StatusChange Registry::reinstate(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    auto p = repo_.find_person(iin);
    if (!p) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
    if (p->status != "suspended") throw Error(ErrorCode::REGISTRY_STATE_INVALID, "only a suspended person is reinstated; this one is " + p->status);
    StatusChange out;
    for (const auto& c : certificates_of(ca, iin, ca::CertificateState::Hold)) {
        ca.unhold(c.record.serial);
        repo_.append_audit({0, clock_.now(), by.iin, "certificate.unhold", iin, c.record.serial, {}, {}}, seal);
        out.certificates.push_back(c.record.serial);
    }
    const bool holds_any = !certificates_of(ca, iin, ca::CertificateState::Valid).empty();
    const std::string to = holds_any ? "certified" : "verified";
    change_status(repo_, iin, "suspended", to, {0, clock_.now(), by.iin, "person.reinstate", iin, to, {}, {}});
    out.person = *repo_.find_person(iin);
    return out;
}

StatusChange Registry::close(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    auto p = repo_.find_person(iin);
    if (!p) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
    if (p->status != "closed")
        change_status(repo_, iin, p->status, "closed", {0, clock_.now(), by.iin, "person.close", iin, p->status, {}, {}});
    StatusChange out{*repo_.find_person(iin), {}};
    for (auto state : {ca::CertificateState::Valid, ca::CertificateState::Hold})
        for (const auto& c : certificates_of(ca, iin, state)) {
            ca.revoke(c.record.serial, revocation::Reason::CessationOfOperation);
            repo_.append_audit({0, clock_.now(), by.iin, "certificate.revoke", iin, c.record.serial + " cessationOfOperation", {}, {}}, seal);
            out.certificates.push_back(c.record.serial);
        }
    return out;
}

}  // namespace tanba::registry
