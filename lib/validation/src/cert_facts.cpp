#include "cert_facts.hpp"

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::validation::detail {
namespace {

// Extensions this validator processes; any other critical extension fails the path.
constexpr int kProcessed[] = {
    NID_basic_constraints, NID_key_usage, NID_ext_key_usage, NID_subject_alt_name,
    NID_name_constraints, NID_certificate_policies, NID_policy_mappings, NID_policy_constraints,
    NID_inhibit_any_policy, NID_subject_key_identifier, NID_authority_key_identifier,
    NID_crl_distribution_points, NID_issuer_alt_name, NID_info_access, NID_sinfo_access,
    NID_freshest_crl,
};

template <class T>
T* ext(X509* x, int nid, bool& malformed) {
    int crit = 0;
    auto* v = static_cast<T*>(X509_get_ext_d2i(x, nid, &crit, nullptr));
    if (!v && crit != -1) malformed = true;  // -2: duplicated; otherwise present but undecodable
    return v;
}

Bytes octets(const ASN1_OCTET_STRING* s) { return Bytes(s->data, s->data + s->length); }

}  // namespace

bool same_name(const X509_NAME* a, const X509_NAME* b) { return X509_NAME_cmp(a, b) == 0; }

CertFacts::CertFacts(x509::Certificate c) : cert(std::move(c)), x(cert.get()) {
    fingerprint = ossl::sha256(cert.der());
    subject_hash = X509_NAME_hash_ex(X509_get_subject_name(x), nullptr, nullptr, nullptr);
    issuer_hash = X509_NAME_hash_ex(X509_get_issuer_name(x), nullptr, nullptr, nullptr);
    self_issued = same_name(subject(), issuer());
    // Computes OpenSSL's cached extension view; EXFLAG_INVALID marks malformed extensions.
    X509_check_purpose(x, -1, 0);
    const std::uint32_t flags = X509_get_extension_flags(x);
    malformed = (flags & EXFLAG_INVALID) != 0 || X509_get_version(x) > 2;
    const bool has_extensions = X509_get_ext_count(x) > 0;
    if (has_extensions && X509_get_version(x) != 2) malformed = true;

    for (int i = 0; i < X509_get_ext_count(x); ++i) {
        X509_EXTENSION* e = X509_get_ext(x, i);
        if (!X509_EXTENSION_get_critical(e)) continue;
        const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
        bool known = false;
        for (int k : kProcessed) known = known || k == nid;
        if (!known) unknown_critical = true;
    }

    ossl::BasicConstraints bc(ext<BASIC_CONSTRAINTS>(x, NID_basic_constraints, malformed));
    if (bc) {
        is_ca = bc->ca != 0;
        if (bc->pathlen) {
            const long n = ASN1_INTEGER_get(bc->pathlen);
            if (n < 0 || ASN1_STRING_type(bc->pathlen) == V_ASN1_NEG_INTEGER) malformed = true;
            else path_len = n;
        }
    }
    if (flags & EXFLAG_KUSAGE) key_usage = X509_get_key_usage(x);
    ossl::ExtKeyUsage eku_ext(ext<EXTENDED_KEY_USAGE>(x, NID_ext_key_usage, malformed));
    if (eku_ext) {
        eku.emplace();
        for (int i = 0; i < sk_ASN1_OBJECT_num(eku_ext.get()); ++i)
            eku->push_back(ossl::oid_text(sk_ASN1_OBJECT_value(eku_ext.get(), i)));
    }
    if (const ASN1_OCTET_STRING* s = X509_get0_subject_key_id(x)) ski = octets(s);
    if (const ASN1_OCTET_STRING* s = X509_get0_authority_key_id(x)) aki = octets(s);
    name_constraints.reset(ext<NAME_CONSTRAINTS>(x, NID_name_constraints, malformed));
    policies.reset(ext<CERTIFICATEPOLICIES>(x, NID_certificate_policies, malformed));
    mappings.reset(ext<POLICY_MAPPINGS>(x, NID_policy_mappings, malformed));
    policy_constraints.reset(ext<POLICY_CONSTRAINTS>(x, NID_policy_constraints, malformed));
    ossl::Asn1Integer inhibit(ext<ASN1_INTEGER>(x, NID_inhibit_any_policy, malformed));
    if (inhibit) {
        const long n = ASN1_INTEGER_get(inhibit.get());
        if (n < 0) malformed = true;
        else inhibit_any = n;
    }
    san.reset(ext<GENERAL_NAMES>(x, NID_subject_alt_name, malformed));
    crl_dps.reset(ext<CRL_DIST_POINTS>(x, NID_crl_distribution_points, malformed));
    if (crl_dps) {
        for (int i = 0; i < sk_DIST_POINT_num(crl_dps.get()); ++i) {
            DIST_POINT* dp = sk_DIST_POINT_value(crl_dps.get(), i);
            // Relative names are relative to the CRL issuer (cRLIssuer, else the cert's issuer).
            X509_NAME* base = X509_get_issuer_name(x);
            if (dp->CRLissuer && sk_GENERAL_NAME_num(dp->CRLissuer) == 1) {
                GENERAL_NAME* g = sk_GENERAL_NAME_value(dp->CRLissuer, 0);
                if (g->type == GEN_DIRNAME) base = g->d.directoryName;
            }
            if (dp->distpoint) DIST_POINT_set_dpname(dp->distpoint, base);
        }
    }
    ossl::clear_errors();
}

}  // namespace tanba::validation::detail
