#include "tanba/revocation/crl.hpp"

#include <openssl/x509.h>

#include <cctype>
#include <openssl/x509v3.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::revocation {
namespace {

constexpr int kKnownCrlExtensions[] = {NID_authority_key_identifier, NID_crl_number, NID_delta_crl,
                                       NID_issuing_distribution_point, NID_issuer_alt_name,
                                       NID_freshest_crl, NID_info_access};
constexpr int kKnownEntryExtensions[] = {NID_crl_reason, NID_invalidity_date, NID_certificate_issuer,
                                         NID_hold_instruction_code};

template <std::size_t N>
bool known(const X509_EXTENSION* ext, const int (&nids)[N]) {
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(ext)));
    for (int k : nids)
        if (k == nid) return true;
    return false;
}

bool unknown_critical(const X509_CRL* crl) {
    for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
        const X509_EXTENSION* e = X509_CRL_get_ext(crl, i);
        if (X509_EXTENSION_get_critical(e) && !known(e, kKnownCrlExtensions)) return true;
    }
    const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(const_cast<X509_CRL*>(crl));
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
        const X509_REVOKED* r = sk_X509_REVOKED_value(entries, i);
        for (int j = 0; j < X509_REVOKED_get_ext_count(r); ++j) {
            const X509_EXTENSION* e = X509_REVOKED_get_ext(r, j);
            if (X509_EXTENSION_get_critical(e) && !known(e, kKnownEntryExtensions)) return true;
        }
    }
    return false;
}

/// An extension's decoded value; nullptr when absent. Duplicates or undecodable content throw.
template <class T>
T* extension(const X509_CRL* crl, int nid) {
    int crit = 0;
    auto* v = static_cast<T*>(X509_CRL_get_ext_d2i(crl, nid, &crit, nullptr));
    if (!v && crit != -1) throw ossl::error(ErrorCode::CRL_DECODE_FAILED, std::string("CRL extension ") + OBJ_nid2sn(nid));
    return v;
}

std::optional<Bytes> integer_extension(const X509_CRL* crl, int nid) {
    ossl::Asn1Integer v(extension<ASN1_INTEGER>(crl, nid));
    if (!v) return std::nullopt;
    if (ASN1_STRING_type(v.get()) == V_ASN1_NEG_INTEGER)
        throw Error(ErrorCode::CRL_DECODE_FAILED, std::string("negative ") + OBJ_nid2sn(nid));
    return ossl::integer_bytes(v.get());
}

}  // namespace

std::string_view to_string(Reason r) {
    switch (r) {
        case Reason::Unspecified: return "unspecified";
        case Reason::KeyCompromise: return "keyCompromise";
        case Reason::CaCompromise: return "cACompromise";
        case Reason::AffiliationChanged: return "affiliationChanged";
        case Reason::Superseded: return "superseded";
        case Reason::CessationOfOperation: return "cessationOfOperation";
        case Reason::CertificateHold: return "certificateHold";
        case Reason::RemoveFromCrl: return "removeFromCRL";
        case Reason::PrivilegeWithdrawn: return "privilegeWithdrawn";
        case Reason::AaCompromise: return "aACompromise";
    }
    return "unknown";
}

std::optional<Reason> reason_from_string(std::string_view name) {
    auto fold = [](std::string_view v) {
        std::string out;
        for (char c : v)
            if (c != '-' && c != '_') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        return out;
    };
    const std::string want = fold(name);
    for (Reason r : {Reason::Unspecified, Reason::KeyCompromise, Reason::CaCompromise, Reason::AffiliationChanged,
                     Reason::Superseded, Reason::CessationOfOperation, Reason::CertificateHold, Reason::PrivilegeWithdrawn,
                     Reason::AaCompromise})
        if (fold(to_string(r)) == want) return r;
    return std::nullopt;
}

ReasonMask reason_mask(const ASN1_BIT_STRING* flags) {
    if (!flags) return kAllReasons;
    ReasonMask m = 0;
    for (int bit = 1; bit <= 8; ++bit)
        if (ASN1_BIT_STRING_get_bit(flags, bit)) m |= 1u << bit;
    return m & kAllReasons;
}

Crl Crl::from_der(ByteView der) {
    ossl::clear_errors();
    auto s = std::make_shared<State>();
    s->der.assign(der.begin(), der.end());
    const unsigned char* p = s->der.data();
    s->crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(s->der.size())));
    if (!s->crl || p != s->der.data() + s->der.size()) throw ossl::error(ErrorCode::CRL_DECODE_FAILED, "CRL DER");
    X509_CRL* crl = s->crl.get();
    s->number = integer_extension(crl, NID_crl_number);
    s->delta_base = integer_extension(crl, NID_delta_crl);
    ossl::AuthorityKeyId aki(extension<AUTHORITY_KEYID>(crl, NID_authority_key_identifier));
    if (aki && aki->keyid) s->aki = Bytes(aki->keyid->data, aki->keyid->data + aki->keyid->length);
    s->idp.reset(extension<ISSUING_DIST_POINT>(crl, NID_issuing_distribution_point));
    if (const ISSUING_DIST_POINT* idp = s->idp.get()) {
        const int loc = X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1);
        const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(X509_CRL_get_ext(crl, loc));
        s->idp_der.assign(v->data, v->data + v->length);
        if (idp->distpoint) DIST_POINT_set_dpname(idp->distpoint, X509_CRL_get_issuer(crl));
        s->scope = Scope{true,
                         idp->distpoint,
                         idp->onlyuser > 0,
                         idp->onlyCA > 0,
                         idp->onlyattr > 0,
                         idp->indirectCRL > 0,
                         reason_mask(idp->onlysomereasons)};
    }
    s->unknown_critical = unknown_critical(crl);
    const int number_at = X509_CRL_get_ext_by_NID(crl, NID_crl_number, -1);
    if (!s->number) s->problem = "no cRLNumber";
    else if (X509_EXTENSION_get_critical(X509_CRL_get_ext(crl, number_at))) s->problem = "cRLNumber is critical";
    else if (s->unknown_critical) s->problem = "unknown critical extension";
    return Crl(std::move(s));
}

std::vector<Crl> Crl::load_all(ByteView data) {
    std::vector<Crl> out;
    for (auto& der : ossl::der_objects(data, {"X509 CRL"}, ErrorCode::CRL_DECODE_FAILED)) out.push_back(from_der(der));
    return out;
}

const X509_NAME* Crl::issuer() const { return X509_CRL_get_issuer(get()); }
TimePoint Crl::this_update() const { return ossl::to_time_point(X509_CRL_get0_lastUpdate(get())); }

std::optional<TimePoint> Crl::next_update() const {
    const ASN1_TIME* t = X509_CRL_get0_nextUpdate(get());
    if (!t) return std::nullopt;
    return ossl::to_time_point(t);
}

std::optional<RevokedEntry> Crl::find(const x509::Certificate& cert) const {
    X509_REVOKED* rev = nullptr;
    // Matches the serial and, for entries naming a certificateIssuer, the certificate's issuer.
    if (X509_CRL_get0_by_cert(get(), &rev, cert.get()) == 0 || !rev) return std::nullopt;
    RevokedEntry e;
    e.serial = ossl::integer_bytes(X509_REVOKED_get0_serialNumber(rev));
    e.revoked_at = ossl::to_time_point(X509_REVOKED_get0_revocationDate(rev));
    int crit = 0;
    ossl::Asn1Enumerated reason(static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, nullptr)));
    if (reason) e.reason = static_cast<Reason>(ASN1_ENUMERATED_get(reason.get()));
    ossl::Asn1GeneralizedTime inv(static_cast<ASN1_GENERALIZEDTIME*>(X509_REVOKED_get_ext_d2i(rev, NID_invalidity_date, &crit, nullptr)));
    if (inv) e.invalidity_date = ossl::to_time_point(inv.get());
    ossl::clear_errors();
    return e;
}

bool Crl::signature_valid(const EVP_PKEY* key) const {
    const bool ok = key && X509_CRL_verify(get(), const_cast<EVP_PKEY*>(key)) == 1;
    ossl::clear_errors();
    return ok;
}

}  // namespace tanba::revocation
