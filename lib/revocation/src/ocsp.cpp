#include "tanba/revocation/ocsp.hpp"

#include <openssl/ocsp.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::revocation {

OcspResponse OcspResponse::from_der(ByteView der) {
    ossl::clear_errors();
    auto s = std::make_shared<State>();
    s->der.assign(der.begin(), der.end());
    const unsigned char* p = s->der.data();
    s->response.reset(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(s->der.size())));
    if (!s->response || p != s->der.data() + s->der.size()) throw ossl::error(ErrorCode::OCSP_DECODE_FAILED, "OCSP response DER");
    s->status = OCSP_response_status(s->response.get());
    if (s->status == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        s->basic.reset(OCSP_response_get1_basic(s->response.get()));
        if (!s->basic) throw ossl::error(ErrorCode::OCSP_DECODE_FAILED, "BasicOCSPResponse");
        const STACK_OF(X509)* certs = OCSP_resp_get0_certs(s->basic.get());
        for (int i = 0; i < sk_X509_num(certs); ++i)
            s->certs.push_back(x509::Certificate::adopt(ossl::up_ref(sk_X509_value(certs, i))));
    }
    return OcspResponse(std::move(s));
}

TimePoint OcspResponse::produced_at() const { return ossl::to_time_point(OCSP_resp_get0_produced_at(state_->basic.get())); }

std::optional<OcspSingle> OcspResponse::find(const x509::Certificate& cert, const x509::Certificate& issuer) const {
    if (!successful()) return std::nullopt;
    OCSP_BASICRESP* bs = state_->basic.get();
    for (int i = 0; i < OCSP_resp_count(bs); ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(bs, i);
        const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* alg = nullptr;
        OCSP_id_get0_info(nullptr, &alg, nullptr, nullptr, const_cast<OCSP_CERTID*>(id));
        const EVP_MD* md = alg ? EVP_get_digestbyobj(alg) : nullptr;
        if (!md) continue;
        ossl::OcspCertId want(OCSP_cert_id_new(md, X509_get_subject_name(issuer.get()), X509_get0_pubkey_bitstr(issuer.get()),
                                               X509_get0_serialNumber(cert.get())));
        if (!want || OCSP_id_cmp(want.get(), id) != 0) continue;
        int reason = -1;
        ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
        const int status = OCSP_single_get0_status(single, &reason, &revoked, &this_update, &next_update);
        OcspSingle out;
        out.status = status == V_OCSP_CERTSTATUS_GOOD ? OcspStatus::Good
                   : status == V_OCSP_CERTSTATUS_REVOKED ? OcspStatus::Revoked
                                                         : OcspStatus::Unknown;
        if (!this_update) continue;
        out.this_update = ossl::to_time_point(this_update);
        if (next_update) out.next_update = ossl::to_time_point(next_update);
        if (revoked) out.revoked_at = ossl::to_time_point(revoked);
        if (reason >= 0) out.reason = static_cast<Reason>(reason);
        ossl::clear_errors();
        return out;
    }
    ossl::clear_errors();
    return std::nullopt;
}

bool OcspResponse::responder_is(const x509::Certificate& cert) const {
    if (!successful()) return false;
    const ASN1_OCTET_STRING* key_hash = nullptr;
    const X509_NAME* name = nullptr;
    OCSP_resp_get0_id(state_->basic.get(), &key_hash, &name);
    if (name) return X509_NAME_cmp(name, X509_get_subject_name(cert.get())) == 0;
    if (!key_hash) return false;
    unsigned char md[SHA_DIGEST_LENGTH];
    X509_pubkey_digest(cert.get(), EVP_sha1(), md, nullptr);
    return key_hash->length == SHA_DIGEST_LENGTH && std::equal(md, md + SHA_DIGEST_LENGTH, key_hash->data);
}

bool OcspResponse::signature_valid(const EVP_PKEY* key) const {
    if (!successful() || !key) return false;
    constexpr std::size_t kKeysKept = 4;
    const auto same = [key](const ossl::PKey& k) { return k.get() == key || EVP_PKEY_eq(k.get(), key) == 1; };
    {
        std::lock_guard lock(state_->checked_mutex);
        for (const auto& [k, ok] : state_->checked)
            if (same(k)) return ok;
    }
    ossl::clear_errors();
    const bool ok = verify_signature(key);
    std::lock_guard lock(state_->checked_mutex);
    if (state_->checked.size() < kKeysKept) state_->checked.emplace_back(ossl::up_ref(const_cast<EVP_PKEY*>(key)), ok);
    return ok;
}

bool OcspResponse::verify_signature(const EVP_PKEY* key) const {
    const ASN1_OCTET_STRING* sig = OCSP_resp_get0_signature(state_->basic.get());
    const X509_ALGOR* alg = OCSP_resp_get0_tbs_sigalg(state_->basic.get());
    const bool ok = ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), const_cast<X509_ALGOR*>(alg),
                                                const_cast<ASN1_OCTET_STRING*>(sig),
                                                const_cast<OCSP_RESPDATA*>(OCSP_resp_get0_respdata(state_->basic.get())),
                                                const_cast<EVP_PKEY*>(key)) == 1;
    ossl::clear_errors();
    return ok;
}

std::optional<Bytes> OcspResponse::nonce() const {
    if (!successful()) return std::nullopt;
    const int loc = OCSP_BASICRESP_get_ext_by_NID(state_->basic.get(), NID_id_pkix_OCSP_Nonce, -1);
    if (loc < 0) return std::nullopt;
    const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(OCSP_BASICRESP_get_ext(state_->basic.get(), loc));
    return Bytes(v->data, v->data + v->length);
}

}  // namespace tanba::revocation
