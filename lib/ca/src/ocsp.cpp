// The CA's OCSP answers (RFC 6960), from its own store: the facts here, the encoding in
// revocation::OcspWriter.
#include "ocsp_answer.hpp"
#include "state.hpp"

namespace tanba::ca {
namespace detail {

Bytes ocsp_answer(CertificateAuthority& ca, const revocation::OcspRequestInfo& request,
                  const revocation::OcspWriter& writer, std::chrono::seconds validity, TimePoint now) {
    revocation::OcspResponseSpec spec{now, {}, request.nonce_extension};
    for (const auto& id : request.certificates)
        if (ca.covers(id)) spec.answers.push_back({id.der, ca.status(id.serial), now, now + validity});
    if (spec.answers.empty()) return revocation::ocsp_status_only(revocation::OcspResponseStatus::Unauthorized);
    return writer.write(spec);
}

}  // namespace detail

bool CertificateAuthority::covers(const revocation::CertIdInfo& id) const {
    for (const auto& h : s_->issuer_hashes)
        if (h.matches(id)) return true;
    return false;
}

revocation::CertificateStatus CertificateAuthority::status(ByteView serial) {
    revocation::CertificateStatus out;
    const auto record = s_->repo->find(s_->issuer_id, to_hex(serial));
    if (!record || record->status != store::CertStatus::Issued) return out;
    out.state = revocation::CertState::Good;
    if (record->revoked_at) {
        out.state = revocation::CertState::Revoked;
        out.revoked_at = *record->revoked_at;
        out.reason = static_cast<revocation::Reason>(record->revocation_reason);
    }
    return out;
}

Bytes CertificateAuthority::ocsp_response(ByteView request, const OcspOptions& o) {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    const auto parsed = revocation::parse_ocsp_request(request);
    if (!parsed) return revocation::ocsp_status_only(revocation::OcspResponseStatus::MalformedRequest);
    // Signed by the delegated responder when one is given, else by the CA.
    const revocation::OcspWriter writer(o.responder_cert ? *o.responder_cert : s_->chain.front(),
                                        o.responder_key ? *o.responder_key : *s_->signer);
    return detail::ocsp_answer(*this, *parsed, writer, o.validity, s_->clock.now());
}

}  // namespace tanba::ca
