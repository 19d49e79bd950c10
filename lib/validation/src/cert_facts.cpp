#include "cert_facts.hpp"

#include <openssl/core_names.h>

#include <regex>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/gost.hpp"

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
// RFC 5280 §4.2: extensions conforming CAs mark critical / non-critical.
constexpr int kMustBeCritical[] = {NID_name_constraints};  // not policyConstraints: PKITS 4.8–4.12 use it non-critical
constexpr int kMustNotBeCritical[] = {NID_authority_key_identifier, NID_subject_key_identifier, NID_info_access,
                                      NID_crl_distribution_points, NID_freshest_crl};

template <class T>
T* ext(X509* x, int nid, std::vector<std::string>& malformed) {
    int crit = 0;
    auto* v = static_cast<T*>(X509_get_ext_d2i(x, nid, &crit, nullptr));
    if (!v && crit != -1)  // -2: duplicated; 0/1: present but undecodable
        malformed.push_back(std::string(crit == -2 ? "duplicated " : "undecodable ") + OBJ_nid2ln(nid));
    return v;
}

// A policy qualifier other than RFC 5280's CPS pointer and user notice (dotted OID).
std::optional<std::string> unknown_policy_qualifier(const CERTIFICATEPOLICIES* policies) {
    for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
        const POLICYINFO* pi = sk_POLICYINFO_value(policies, i);
        for (int k = 0; k < sk_POLICYQUALINFO_num(pi->qualifiers); ++k) {
            const POLICYQUALINFO* q = sk_POLICYQUALINFO_value(pi->qualifiers, k);
            const int nid = OBJ_obj2nid(q->pqualid);
            if (nid != NID_id_qt_cps && nid != NID_id_qt_unotice) return ossl::oid_text(q->pqualid);
        }
    }
    return std::nullopt;
}

Bytes octets(const ASN1_OCTET_STRING* s) { return Bytes(s->data, s->data + s->length); }

std::string_view ia5(const ASN1_IA5STRING* s) {
    return std::string_view(reinterpret_cast<const char*>(s->data), static_cast<std::size_t>(s->length));
}

// LDH labels (RFC 1034/5890), a wildcard only as the whole left-most label.
bool valid_dns_name(std::string_view name) {
    static const std::regex label("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    if (name.empty() || name.size() > 253) return false;
    std::size_t start = 0;
    for (int i = 0;; ++i) {
        const auto dot = name.find('.', start);
        const std::string part(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (!(i == 0 && part == "*" && dot != std::string_view::npos) && !std::regex_match(part, label)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool valid_email(std::string_view v) {
    const auto at = v.find('@');
    if (at == 0 || at == std::string_view::npos || v.find('@', at + 1) != std::string_view::npos) return false;
    return valid_dns_name(v.substr(at + 1));
}

void check_san(const GENERAL_NAMES* san, std::vector<std::string>& malformed) {
    if (sk_GENERAL_NAME_num(san) == 0) malformed.push_back("empty subjectAltName");
    for (int i = 0; i < sk_GENERAL_NAME_num(san); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(san, i);
        if (g->type == GEN_DNS && !valid_dns_name(ia5(g->d.dNSName)))
            malformed.push_back("subjectAltName dNSName is not a host name: " + std::string(ia5(g->d.dNSName)));
        if (g->type == GEN_EMAIL && !valid_email(ia5(g->d.rfc822Name)))
            malformed.push_back("subjectAltName rfc822Name is not a mailbox: " + std::string(ia5(g->d.rfc822Name)));
        if (g->type == GEN_IPADD && g->d.iPAddress->length != 4 && g->d.iPAddress->length != 16)
            malformed.push_back("subjectAltName iPAddress has a bad length");
    }
}

void check_constraint_syntax(const NAME_CONSTRAINTS* nc, std::vector<std::string>& malformed) {
    const bool permitted = nc->permittedSubtrees && sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) > 0;
    const bool excluded = nc->excludedSubtrees && sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) > 0;
    if (!permitted && !excluded) malformed.push_back("nameConstraints with no subtrees");
    for (const auto* trees : {nc->permittedSubtrees, nc->excludedSubtrees})
        for (int i = 0; trees && i < sk_GENERAL_SUBTREE_num(trees); ++i) {
            const GENERAL_NAME* b = sk_GENERAL_SUBTREE_value(trees, i)->base;
            if (b->type == GEN_DNS && !ia5(b->d.dNSName).empty() && ia5(b->d.dNSName).front() == '.')
                malformed.push_back("nameConstraints dNSName starts with a period");
        }
}

std::optional<std::string> key_weakness(EVP_PKEY* k, X509* x) {
    if (EVP_PKEY_is_a(k, "RSA")) {
        const int bits = EVP_PKEY_get_bits(k);
        if (bits < 2048) return "RSA key of " + std::to_string(bits) + " bits (2048 at least)";
        if (bits % 8) return "RSA modulus of " + std::to_string(bits) + " bits is not a whole number of bytes";
    } else if (EVP_PKEY_is_a(k, "EC")) {
        X509_ALGOR* alg = nullptr;
        X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &alg, X509_get_X509_PUBKEY(x));
        int ptype = 0;
        X509_ALGOR_get0(nullptr, &ptype, nullptr, alg);
        if (ptype != V_ASN1_OBJECT) return "EC key with explicit curve parameters";
        char group[64] = {};
        EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr);
        const std::string g(group);
        if (g != "prime256v1" && g != "secp384r1" && g != "secp521r1") return "EC curve " + g + " is not allowed";
    }
    return std::nullopt;
}

}  // namespace

bool same_name(const X509_NAME* a, const X509_NAME* b) { return X509_NAME_cmp(a, b) == 0; }

std::string weak_digest(int digest_nid, bool allow_sha1) {
    switch (digest_nid) {
        case NID_md2: case NID_md4: case NID_md5: return "MD2/MD4/MD5 signature";
        case NID_sha1: return allow_sha1 ? "" : "SHA-1 signature (allow with --allow-sha1)";
        default: return "";
    }
}

CertFacts::CertFacts(x509::Certificate c) : cert(std::move(c)), x(cert.get()) {
    fingerprint = ossl::sha256(cert.der());
    subject_hash = X509_NAME_hash_ex(X509_get_subject_name(x), nullptr, nullptr, nullptr);
    issuer_hash = X509_NAME_hash_ex(X509_get_issuer_name(x), nullptr, nullptr, nullptr);
    self_issued = same_name(subject(), issuer());
    // Computes OpenSSL's cached extension view; EXFLAG_INVALID marks malformed extensions.
    X509_check_purpose(x, -1, 0);
    const std::uint32_t flags = X509_get_extension_flags(x);
    if (flags & EXFLAG_INVALID) malformed.push_back("invalid extensions");
    if (X509_get_ext_count(x) > 0 && X509_get_version(x) != 2) malformed.push_back("extensions in a version 1/2 certificate");

    const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) bad_serial = "negative serial number";
    else if (ASN1_STRING_length(serial) == 0 || (ASN1_STRING_length(serial) == 1 && ASN1_STRING_get0_data(serial)[0] == 0))
        bad_serial = "zero serial number";
    else if (ASN1_STRING_length(serial) > 20) bad_serial = "serial number longer than 20 octets";

    for (int i = 0; i < X509_get_ext_count(x); ++i) {
        X509_EXTENSION* e = X509_get_ext(x, i);
        const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
        const bool critical = X509_EXTENSION_get_critical(e);
        bool known = false;
        for (int k : kProcessed) known = known || k == nid;
        if (critical && !known && !unknown_critical) unknown_critical = ossl::oid_text(X509_EXTENSION_get_object(e));
        for (int k : kMustBeCritical)
            if (k == nid && !critical) malformed.push_back(std::string(OBJ_nid2ln(nid)) + " is not critical");
        for (int k : kMustNotBeCritical)
            if (k == nid && critical) malformed.push_back(std::string(OBJ_nid2ln(nid)) + " is critical");
    }

    ossl::BasicConstraints bc(ext<BASIC_CONSTRAINTS>(x, NID_basic_constraints, malformed));
    if (bc) {
        is_ca = bc->ca != 0;
        if (bc->pathlen) {
            const long n = ASN1_INTEGER_get(bc->pathlen);
            if (n < 0 || ASN1_STRING_type(bc->pathlen) == V_ASN1_NEG_INTEGER) malformed.push_back("negative pathLenConstraint");
            else path_len = n;
        }
    }
    if (flags & EXFLAG_KUSAGE) key_usage = X509_get_key_usage(x);
    if (key_usage && (*key_usage & KU_KEY_CERT_SIGN) && !is_ca) malformed.push_back("keyCertSign without basicConstraints cA");
    ossl::ExtKeyUsage eku_ext(ext<EXTENDED_KEY_USAGE>(x, NID_ext_key_usage, malformed));
    if (eku_ext) {
        eku.emplace();
        for (int i = 0; i < sk_ASN1_OBJECT_num(eku_ext.get()); ++i)
            eku->push_back(ossl::oid_text(sk_ASN1_OBJECT_value(eku_ext.get(), i)));
    }
    if (const ASN1_OCTET_STRING* s = X509_get0_subject_key_id(x)) ski = octets(s);
    if (const ASN1_OCTET_STRING* s = X509_get0_authority_key_id(x)) aki = octets(s);
    if (is_ca && !ski) malformed.push_back("CA certificate without subjectKeyIdentifier");
    // Required of end-entity certificates only: cross-certificates without one are common
    // (x509-limbo cve-2024-0567); see tests/data/limbo/deviations.json.
    // RFC 5280 §4.2.1.1 obliges the issuer; paths are built by name without it.
    if (!self_issued && !aki) issuer_lapses.push_back("no authorityKeyIdentifier key identifier");

    name_constraints.reset(ext<NAME_CONSTRAINTS>(x, NID_name_constraints, malformed));
    if (name_constraints) {
        if (!is_ca) malformed.push_back("nameConstraints in a certificate that is not a CA");
        check_constraint_syntax(name_constraints.get(), malformed);
    }
    policies.reset(ext<CERTIFICATEPOLICIES>(x, NID_certificate_policies, malformed));
    // §4.2.1.4: a critical certificatePolicies must be understood whole, its qualifiers too.
    if (const int loc = X509_get_ext_by_NID(x, NID_certificate_policies, -1);
        policies && !unknown_critical && X509_EXTENSION_get_critical(X509_get_ext(x, loc)))
        if (auto q = unknown_policy_qualifier(policies.get())) unknown_critical = "certificatePolicies qualifier " + *q;
    mappings.reset(ext<POLICY_MAPPINGS>(x, NID_policy_mappings, malformed));
    policy_constraints.reset(ext<POLICY_CONSTRAINTS>(x, NID_policy_constraints, malformed));
    ossl::Asn1Integer inhibit(ext<ASN1_INTEGER>(x, NID_inhibit_any_policy, malformed));
    if (inhibit) {
        const long n = ASN1_INTEGER_get(inhibit.get());
        if (n < 0) malformed.push_back("negative inhibitAnyPolicy");
        else inhibit_any = n;
    }
    const bool empty_subject = X509_NAME_entry_count(subject()) == 0;
    if (empty_subject && is_ca) malformed.push_back("CA certificate with an empty subject");
    san.reset(ext<GENERAL_NAMES>(x, NID_subject_alt_name, malformed));
    if (san) check_san(san.get(), malformed);
    if (empty_subject) {
        const int loc = X509_get_ext_by_NID(x, NID_subject_alt_name, -1);
        if (loc < 0 || !X509_EXTENSION_get_critical(X509_get_ext(x, loc)))
            malformed.push_back("empty subject without a critical subjectAltName");
    }
    ossl::AuthorityInfoAccess aia(ext<AUTHORITY_INFO_ACCESS>(x, NID_info_access, malformed));
    if (aia && sk_ACCESS_DESCRIPTION_num(aia.get()) == 0) malformed.push_back("empty authorityInfoAccess");
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
    int pkey_nid = NID_undef;
    OBJ_find_sigid_algs(X509_get_signature_nid(x), &signature_digest, &pkey_nid);
    if (EVP_PKEY* k = X509_get0_pubkey(x)) weak_key = key_weakness(k, x);
    else if (x509::has_gost_key(x)) gost_key = true;
    else key_unsupported = true;  // or a DSA key inheriting its parameters (resolved by the engine)
    ossl::clear_errors();
}

}  // namespace tanba::validation::detail
