// A person's status after approval: suspended (certificates on hold, sessions ended),
// reinstated, closed (certificates revoked, sessions ended). The status changes first, with its
// audit entry; the sessions (and the OpenID Connect tokens they gave) end and the certificates
// follow, each an audit entry of its own, so that a run cut short is finished by repeating it.
#include <algorithm>

#include "rules.hpp"
#include "tanba/registry/registry.hpp"

namespace tanba::registry {
using detail::certificates_of;

StatusChange Registry::suspend(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    const auto p = person(iin);
    if (p.status != "suspended") {
        if (p.status != "verified" && p.status != "certified")
            throw Error(ErrorCode::REGISTRY_STATE_INVALID, "only an approved person is suspended; this one is " + p.status);
        change_status(iin, p.status, "suspended", "", {0, clock_.now(), by.iin, "person.suspend", iin, p.status, {}, {}});
    }
    repo_.end_sessions_of(iin);
    StatusChange out{person(iin), {}};
    for (const auto& c : certificates_of(ca, iin, ca::CertificateState::Valid)) {
        revoke_recorded(by, ca, iin, c.record.serial, revocation::Reason::CertificateHold);
        out.certificates.push_back(c.record.serial);
    }
    return out;
}

StatusChange Registry::reinstate(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    const auto p = person(iin);
    if (p.status != "suspended") throw Error(ErrorCode::REGISTRY_STATE_INVALID, "only a suspended person is reinstated; this one is " + p.status);
    StatusChange out;
    for (const auto& c : certificates_of(ca, iin, ca::CertificateState::Hold)) {
        ca.unhold(c.record.serial);
        repo_.append_audit({0, clock_.now(), by.iin, "certificate.unhold", iin, c.record.serial, {}, {}}, seal);
        out.certificates.push_back(c.record.serial);
    }
    const bool holds_any = !certificates_of(ca, iin, ca::CertificateState::Valid).empty();
    const std::string to = holds_any ? "certified" : "verified";
    change_status(iin, "suspended", to, "", {0, clock_.now(), by.iin, "person.reinstate", iin, to, {}, {}});
    out.person = person(iin);
    return out;
}

StatusChange Registry::close(const Actor& by, ca::CertificateAuthority& ca, const std::string& iin) {
    require(by, Role::Registrar);
    const auto p = person(iin);
    if (p.status != "closed")
        change_status(iin, p.status, "closed", "", {0, clock_.now(), by.iin, "person.close", iin, p.status, {}, {}});
    repo_.end_sessions_of(iin);
    StatusChange out{person(iin), {}};
    for (auto state : {ca::CertificateState::Valid, ca::CertificateState::Hold})
        for (const auto& c : certificates_of(ca, iin, state)) {
            revoke_recorded(by, ca, iin, c.record.serial, revocation::Reason::CessationOfOperation);
            out.certificates.push_back(c.record.serial);
        }
    return out;
}

}  // namespace tanba::registry
