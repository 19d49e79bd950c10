#include "tanba/x509/builder.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

#include "der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::x509 {
namespace {

ossl::Extension conf_ext(int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, nullptr, nullptr, nullptr, nullptr, 0);
    ossl::Extension ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext) throw ossl::error(ErrorCode::PROFILE_INVALID, std::string(OBJ_nid2sn(nid)) + " = " + value);
    return ext;
}

std::string joined(const std::vector<std::string>& items, const std::string& prefix = "") {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + prefix + i;
    return out;
}

ossl::Extension octet_ext(int nid, ByteView der_value) {
    ossl::Asn1OctetString os(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(os.get(), der_value.data(), static_cast<int>(der_value.size()));
    return ossl::Extension(X509_EXTENSION_create_by_NID(nullptr, nid, 0, os.get()));
}

}  // namespace

Bytes key_identifier(const X509_PUBKEY* pub) {
    const unsigned char* bits = nullptr;
    int len = 0;
    X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, pub);
    return ossl::sha1(ByteView(bits, static_cast<std::size_t>(len)));
}

Bytes key_identifier(ByteView spki) {
    const unsigned char* p = spki.data();
    const ossl::Pubkey pub(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    ossl::check(pub != nullptr, ErrorCode::CRYPTO_FAILURE, "reading a SubjectPublicKeyInfo");
    return key_identifier(pub.get());
}

Bytes key_identifier(const EVP_PKEY* key) {
    X509_PUBKEY* raw = nullptr;
    ossl::check(X509_PUBKEY_set(&raw, const_cast<EVP_PKEY*>(key)) == 1, ErrorCode::CRYPTO_FAILURE, "public key");
    ossl::Pubkey pub(raw);
    return key_identifier(pub.get());
}

Bytes key_identifier(const Certificate& cert) {
    if (const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(cert.get())) return Bytes(id->data, id->data + id->length);
    return key_identifier(X509_get_X509_PUBKEY(cert.get()));
}

namespace {

ossl::Extension ski_ext(ByteView id) {
    ossl::Asn1OctetString os(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(os.get(), id.data(), static_cast<int>(id.size()));
    return ossl::Extension(X509V3_EXT_i2d(NID_subject_key_identifier, 0, os.get()));
}

ossl::Extension aki_ext(ByteView id) {
    ossl::AuthorityKeyId aki(AUTHORITY_KEYID_new());
    aki->keyid = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(aki->keyid, id.data(), static_cast<int>(id.size()));
    return ossl::Extension(X509V3_EXT_i2d(NID_authority_key_identifier, 0, aki.get()));
}

}  // namespace

PreparedProfile prepare_profile(const Profile& p, const RevocationUrls& urls) {
    ossl::clear_errors();
    PreparedProfile out{&p, {}};
    if (p.is_ca())
        out.extensions.push_back(conf_ext(NID_basic_constraints,
                                          "critical,CA:TRUE" + (p.path_length ? ",pathlen:" + std::to_string(*p.path_length) : std::string())));
    out.extensions.push_back(conf_ext(NID_key_usage, "critical," + joined(p.key_usage)));
    if (!p.extended_key_usage.empty())
        out.extensions.push_back(conf_ext(NID_ext_key_usage,
                                          (p.extended_key_usage_critical ? "critical," : "") + joined(p.extended_key_usage)));
    if (!p.policies.empty()) {
        // Built from the structures (nconf would need a config section for qualifiers);
        // with a CPS URI, every policy carries it as a qualifier, as NCA does.
        ossl::CertPolicies pols(sk_POLICYINFO_new_null());
        for (const auto& oid : p.policies) {
            POLICYINFO* pi = POLICYINFO_new();
            sk_POLICYINFO_push(pols.get(), pi);
            pi->policyid = ossl::oid_from_text(oid).release();
            if (p.cps_uri.empty()) continue;
            pi->qualifiers = sk_POLICYQUALINFO_new_null();
            POLICYQUALINFO* q = POLICYQUALINFO_new();
            sk_POLICYQUALINFO_push(pi->qualifiers, q);
            q->pqualid = OBJ_nid2obj(NID_id_qt_cps);
            q->d.cpsuri = ASN1_IA5STRING_new();
            ASN1_STRING_set(q->d.cpsuri, p.cps_uri.data(), static_cast<int>(p.cps_uri.size()));
        }
        out.extensions.emplace_back(X509V3_EXT_i2d(NID_certificate_policies, 0, pols.get()));
    }
    if (p.crl && !urls.crl.empty()) out.extensions.push_back(conf_ext(NID_crl_distribution_points, "URI:" + urls.crl));
    std::vector<std::string> aia;
    if (p.ocsp && !urls.ocsp.empty()) aia.push_back("OCSP;URI:" + urls.ocsp);
    if (p.ca_issuers && !urls.ca_issuers.empty()) aia.push_back("caIssuers;URI:" + urls.ca_issuers);
    if (!aia.empty()) out.extensions.push_back(conf_ext(NID_info_access, joined(aia)));
    if (p.ocsp_no_check) {
        static const unsigned char kNull[] = {0x05, 0x00};
        out.extensions.push_back(octet_ext(NID_id_pkix_OCSP_noCheck, kNull));
    }
    return out;
}

Bytes random_serial(TimePoint now) {
    Bytes s(16);
    s[0] = 0x01;
    auto secs = static_cast<std::uint64_t>(now.time_since_epoch().count());
    for (int i = 5; i >= 1; --i, secs >>= 8) s[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(secs & 0xFF);
    ossl::random_bytes(std::span(s).subspan(6));
    return s;
}

std::pair<TimePoint, TimePoint> validity_for(const Profile& profile, TimePoint now, const Certificate* issuer) {
    TimePoint nb = now - std::chrono::minutes(1);
    TimePoint na = now + std::chrono::days(profile.validity_days);
    if (issuer) {
        nb = std::max(nb, issuer->not_before());
        na = std::min(na, issuer->not_after());
    }
    return {nb, na};
}

namespace {
// The subject key as an encoded SubjectPublicKeyInfo, for keys OpenSSL cannot hold (GOST): its
// algorithm, parameters and key bits copied into the certificate's.
bool set_public_key_der(X509* x, const Bytes& spki) {
    const unsigned char* p = spki.data();
    const ossl::Pubkey src(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    const ASN1_OBJECT* oid = nullptr;
    const unsigned char* bits = nullptr;
    int len = 0;
    X509_ALGOR* alg = nullptr;
    if (!src || X509_PUBKEY_get0_param(const_cast<ASN1_OBJECT**>(&oid), &bits, &len, &alg, src.get()) != 1) return false;
    int ptype = V_ASN1_UNDEF;
    const void* pval = nullptr;
    X509_ALGOR_get0(nullptr, &ptype, &pval, alg);
    void* params = ptype == V_ASN1_SEQUENCE ? ASN1_STRING_dup(static_cast<const ASN1_STRING*>(pval)) : nullptr;
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(bits, static_cast<std::size_t>(len)));
    if (!copy || (ptype == V_ASN1_SEQUENCE && !params)) return false;
    return X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_dup(oid), ptype == V_ASN1_SEQUENCE ? V_ASN1_SEQUENCE : V_ASN1_UNDEF, params,
                                  copy, len) == 1;
}
}  // namespace

Tbs build_tbs(const PreparedProfile& prepared, const TbsRequest& r, IssuerRef issuer) {
    ossl::clear_errors();
    ossl::Cert x(X509_new());
    auto serial = ossl::integer_from_bytes(r.serial);
    auto nb = ossl::to_asn1_time(r.not_before);
    auto na = ossl::to_asn1_time(r.not_after);
    const X509_NAME* issuer_name = issuer.certificate ? X509_get_subject_name(issuer.certificate->get()) : r.subject;
    ossl::check(X509_set_version(x.get(), X509_VERSION_3) == 1 && X509_set_serialNumber(x.get(), serial.get()) == 1 &&
                    X509_set_subject_name(x.get(), r.subject) == 1 && X509_set_issuer_name(x.get(), issuer_name) == 1 &&
                    X509_set1_notBefore(x.get(), nb.get()) == 1 && X509_set1_notAfter(x.get(), na.get()) == 1 &&
                    (r.public_key ? X509_set_pubkey(x.get(), const_cast<EVP_PKEY*>(r.public_key)) == 1 : set_public_key_der(x.get(), r.public_key_der)),
                ErrorCode::CRYPTO_FAILURE, "building certificate");
    for (const auto& e : prepared.extensions)
        ossl::check(X509_add_ext(x.get(), e.get(), -1) == 1, ErrorCode::CRYPTO_FAILURE, "adding extension");
    for (const auto& e : r.extra_extensions)
        ossl::check(X509_add_ext(x.get(), e.get(), -1) == 1, ErrorCode::CRYPTO_FAILURE, "adding requested extension");
    Bytes ski = key_identifier(X509_get_X509_PUBKEY(x.get()));
    auto ski_e = ski_ext(ski);
    ossl::check(ski_e && X509_add_ext(x.get(), ski_e.get(), -1) == 1, ErrorCode::CRYPTO_FAILURE, "subject key id");
    auto aki_e = aki_ext(issuer.certificate ? key_identifier(*issuer.certificate) : ski);
    ossl::check(aki_e && X509_add_ext(x.get(), aki_e.get(), -1) == 1, ErrorCode::CRYPTO_FAILURE, "authority key id");
    return Tbs(std::move(x));
}

Certificate sign_tbs(Tbs tbs, const keys::Signer& signer) {
    ossl::clear_errors();
    const auto opts = keys::default_sign_options(signer.spec().algorithm);
    const Bytes alg = signer.algorithm_identifier(opts);
    ossl::Cert x = tbs.release();
    // The TBS names the signature algorithm too (RFC 5280 4.1.2.3); set it, then encode anew.
    const unsigned char* p = alg.data();
    ossl::Algor parsed(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(alg.size())));
    ossl::check(parsed && X509_ALGOR_copy(const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x.get())), parsed.get()) == 1,
                ErrorCode::CRYPTO_FAILURE, "setting the signature algorithm");
    const Bytes tbs_der = ossl::encode(x.get(), i2d_re_X509_tbs, "the certificate body");
    return Certificate::from_der(der::signed_structure(tbs_der, alg, signer.sign(tbs_der, opts)));
}

}  // namespace tanba::x509
