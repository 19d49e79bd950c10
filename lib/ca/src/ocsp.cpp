// The CA's OCSP answers (RFC 6960), from its own store.
#include <openssl/ocsp.h>

#include "ocsp_codec.hpp"
#include "state.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::ca {
namespace detail {

ossl::OcspRequest parse_ocsp_request(ByteView der) {
    constexpr std::size_t kMaxRequest = 64 * 1024;
    if (der.size() > kMaxRequest) return nullptr;
    const unsigned char* p = der.data();
    ossl::OcspRequest req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    ossl::clear_errors();
    if (!req || p != der.data() + der.size() || OCSP_request_onereq_count(req.get()) <= 0) return nullptr;
    return req;
}

Bytes ocsp_status_only(int status) {
    ossl::OcspResponse r(OCSP_response_create(status, nullptr));
    return ossl::encode(r.get(), i2d_OCSP_RESPONSE, "the OCSP response");
}

}  // namespace detail

Bytes CertificateAuthority::ocsp_response(ByteView request, const OcspOptions& o) {
    if (!s_->signer) throw Error(ErrorCode::CA_LOCKED, s_->dir.string());
    ossl::clear_errors();
    ossl::OcspRequest req = detail::parse_ocsp_request(request);
    if (!req) return detail::ocsp_status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    const x509::Certificate& ca = s_->chain.front();
    ossl::OcspBasic basic(OCSP_BASICRESP_new());
    const TimePoint now = s_->clock.now();
    ossl::Asn1Time this_update = ossl::to_asn1_time(now);
    ossl::Asn1Time next_update = ossl::to_asn1_time(now + o.validity);
    int ours = 0;
    for (int i = 0; i < OCSP_request_onereq_count(req.get()); ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
        ASN1_OBJECT* md_oid = nullptr;
        ASN1_INTEGER* serial = nullptr;
        OCSP_id_get0_info(nullptr, &md_oid, nullptr, &serial, id);
        const EVP_MD* md = md_oid ? EVP_get_digestbyobj(md_oid) : nullptr;
        if (!md || !serial) continue;
        ossl::OcspCertId mine(OCSP_cert_id_new(md, X509_get_subject_name(ca.get()), X509_get0_pubkey_bitstr(ca.get()), serial));
        if (!mine || OCSP_id_issuer_cmp(mine.get(), id) != 0) continue;  // another issuer's certificate
        ++ours;
        const auto record = s_->repo->find(s_->issuer_id, to_hex(ossl::integer_bytes(serial)));
        int status = V_OCSP_CERTSTATUS_UNKNOWN, reason = -1;
        ossl::Asn1Time revoked_at;
        if (record && record->status == store::CertStatus::Issued) {
            status = V_OCSP_CERTSTATUS_GOOD;
            if (record->revoked_at) {
                status = V_OCSP_CERTSTATUS_REVOKED;
                reason = record->revocation_reason;
                revoked_at = ossl::to_asn1_time(*record->revoked_at);
            }
        }
        ossl::check(OCSP_basic_add1_status(basic.get(), id, status, reason, revoked_at.get(), this_update.get(), next_update.get()) != nullptr,
                    ErrorCode::CRYPTO_FAILURE, "adding a single response");
    }
    if (ours == 0) {
        ossl::clear_errors();
        return detail::ocsp_status_only(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    }
    OCSP_copy_nonce(basic.get(), req.get());
    // Signed by the delegated responder when one is given, else by the CA; the signer's
    // certificate is included (relying parties find the responder without configuration).
    const keys::Signer& signer = o.responder_key ? *o.responder_key : *s_->signer;
    const x509::Certificate& signer_cert = o.responder_cert ? *o.responder_cert : ca;
    if (!keys::same_public_key(signer.public_key(), signer_cert.public_key()))
        throw Error(ErrorCode::KEY_MISMATCH, signer.describe() + " does not belong to " + signer_cert.subject_text());
    ossl::check(OCSP_basic_sign(basic.get(), signer_cert.get(), signer.signing_key(),
                                keys::digest_of(keys::default_sign_options(signer.spec().algorithm).hash), nullptr, 0) == 1,
                ErrorCode::KEY_SIGN_FAILED, "signing the OCSP response");
    ossl::OcspResponse resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    return ossl::encode(resp.get(), i2d_OCSP_RESPONSE, "the OCSP response");
}

}  // namespace tanba::ca
