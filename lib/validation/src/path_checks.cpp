// RFC 5280 §6.1.2–6.1.5 for one candidate path, and the leaf's purpose checks.
#include <arpa/inet.h>

#include <algorithm>

#include "engine.hpp"
#include "name_constraints.hpp"
#include "policy_tree.hpp"
#include "tanba/ossl/codec.hpp"

namespace tanba::validation::detail {
namespace {

constexpr const char* kAnyEku = "2.5.29.37.0";

std::string_view ia5(const ASN1_IA5STRING* s) {
    return std::string_view(reinterpret_cast<const char*>(s->data), static_cast<std::size_t>(s->length));
}

bool host_matches(const CertFacts& leaf, const std::string& host) {
    if (!leaf.san) return false;
    for (int i = 0; i < sk_GENERAL_NAME_num(leaf.san.get()); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(leaf.san.get(), i);
        if (g->type == GEN_DNS && dns_name_matches(ia5(g->d.dNSName), host)) return true;
    }
    return false;
}

bool ip_matches(const CertFacts& leaf, const std::string& ip) {
    unsigned char addr[16];
    int len = 0;
    if (inet_pton(AF_INET, ip.c_str(), addr) == 1) len = 4;
    else if (inet_pton(AF_INET6, ip.c_str(), addr) == 1) len = 16;
    if (!len || !leaf.san) return false;
    for (int i = 0; i < sk_GENERAL_NAME_num(leaf.san.get()); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(leaf.san.get(), i);
        if (g->type == GEN_IPADD && g->d.iPAddress->length == len && std::equal(addr, addr + len, g->d.iPAddress->data))
            return true;
    }
    return false;
}

bool email_matches(const CertFacts& leaf, const std::string& email) {
    auto same = [&](std::string_view v) {
        const auto at = v.rfind('@'), eat = email.rfind('@');
        if (at == std::string_view::npos || eat == std::string::npos) return false;
        if (v.substr(0, at) != std::string_view(email).substr(0, eat)) return false;
        return std::equal(v.begin() + at, v.end(), email.begin() + eat, email.end(),
                          [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    };
    if (leaf.san) {
        for (int i = 0; i < sk_GENERAL_NAME_num(leaf.san.get()); ++i) {
            const GENERAL_NAME* g = sk_GENERAL_NAME_value(leaf.san.get(), i);
            if (g->type == GEN_EMAIL && same(ia5(g->d.rfc822Name))) return true;
        }
        return false;
    }
    const X509_NAME* subject = leaf.subject();
    for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) >= 0;) {
        const ASN1_STRING* v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
        if (same(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v)), ASN1_STRING_length(v))))
            return true;
    }
    return false;
}

bool allows(const std::vector<std::string>& eku, const std::string& wanted) {
    return std::find(eku.begin(), eku.end(), wanted) != eku.end() || std::find(eku.begin(), eku.end(), kAnyEku) != eku.end();
}

void check_leaf(const CertFacts& leaf, const ValidationOptions& o, ValidationReport& r) {
    if (leaf.key_usage) {
        const auto ku = *leaf.key_usage;
        if (o.purpose == Purpose::Sign && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
            r.add(FindingCode::PURPOSE_MISMATCH, Severity::Error, "signing needs digitalSignature or nonRepudiation", 0);
        if (o.purpose == Purpose::Auth && !(ku & KU_DIGITAL_SIGNATURE))
            r.add(FindingCode::PURPOSE_MISMATCH, Severity::Error, "authentication needs digitalSignature", 0);
    }
    if (o.eku && *o.eku != kAnyEku && leaf.eku && !allows(*leaf.eku, *o.eku))
        r.add(FindingCode::EKU_MISMATCH, Severity::Error, "required " + *o.eku, 0);
    if (o.host && !host_matches(leaf, *o.host)) r.add(FindingCode::NAME_MISMATCH, Severity::Error, "host " + *o.host, 0);
    if (o.ip && !ip_matches(leaf, *o.ip)) r.add(FindingCode::NAME_MISMATCH, Severity::Error, "IP address " + *o.ip, 0);
    if (o.email && !email_matches(leaf, *o.email)) r.add(FindingCode::NAME_MISMATCH, Severity::Error, "email " + *o.email, 0);
}

/// §6.1 state variables carried from certificate to certificate.
struct PathState {
    int explicit_policy, inhibit_any, policy_mapping, max_path_length;
    PolicyTree tree;
    std::vector<const NAME_CONSTRAINTS*> constraints;
};

bool maps_any_policy(const CertFacts& c) {
    for (int k = 0; k < sk_POLICY_MAPPING_num(c.mappings.get()); ++k) {
        const POLICY_MAPPING* m = sk_POLICY_MAPPING_value(c.mappings.get(), k);
        if (ossl::oid_text(m->issuerDomainPolicy) == kAnyPolicy || ossl::oid_text(m->subjectDomainPolicy) == kAnyPolicy)
            return true;
    }
    return false;
}

/// §6.1.4 (g)-(n) after certificate i, a CA's constraints on what follows it (the anchor's too
/// under RFC 5937). The counting down for certificate i itself ((h), (l)) and its
/// policyMappings (b) are the caller's: the anchor is not counted.
void constrain_following(const CertFacts& c, int idx, const ValidationOptions& o, PathState& st, ValidationReport& r) {
    if (c.name_constraints) st.constraints.push_back(c.name_constraints.get());
    if (const POLICY_CONSTRAINTS* pc = c.policy_constraints.get()) {
        if (pc->requireExplicitPolicy)
            st.explicit_policy = std::min<long>(st.explicit_policy, ASN1_INTEGER_get(pc->requireExplicitPolicy));
        if (pc->inhibitPolicyMapping)
            st.policy_mapping = std::min<long>(st.policy_mapping, ASN1_INTEGER_get(pc->inhibitPolicyMapping));
    }
    if (c.inhibit_any) st.inhibit_any = std::min<long>(st.inhibit_any, *c.inhibit_any);
    if (!c.is_ca) r.add(FindingCode::NOT_A_CA, Severity::Error, {}, idx);
    if (c.path_len && *c.path_len < st.max_path_length) st.max_path_length = static_cast<int>(*c.path_len);
    if (c.key_usage && !(*c.key_usage & KU_KEY_CERT_SIGN)) r.add(FindingCode::ISSUER_KEY_USAGE, Severity::Error, {}, idx);
    // A CA restricted by EKU cannot vouch for other purposes (EKU chaining, as browsers do).
    if (o.eku && *o.eku != kAnyEku && c.eku && !allows(*c.eku, *o.eku))
        r.add(FindingCode::EKU_MISMATCH, Severity::Error, "the issuing CA's EKU does not include " + *o.eku, idx);
}

void check_validity(const CertFacts& c, TimePoint at, int idx, ValidationReport& r) {
    if (at < c.cert.not_before()) r.add(FindingCode::NOT_YET_VALID, Severity::Error, {}, idx);
    if (at > c.cert.not_after()) r.add(FindingCode::EXPIRED, Severity::Error, {}, idx);
}

/// RFC 5937: the user's initial policy set seen through the anchor's policyMappings (unless
/// mapping is inhibited), then restricted to the anchor's certificatePolicies.
std::vector<std::string> anchor_policy_set(const CertFacts& anchor, std::vector<std::string> set, bool map) {
    if (anchor.mappings && map) {
        std::vector<std::string> mapped;
        for (const auto& p : set) {
            bool found = false;
            for (int k = 0; k < sk_POLICY_MAPPING_num(anchor.mappings.get()); ++k) {
                const POLICY_MAPPING* m = sk_POLICY_MAPPING_value(anchor.mappings.get(), k);
                if (ossl::oid_text(m->issuerDomainPolicy) != p) continue;
                mapped.push_back(ossl::oid_text(m->subjectDomainPolicy));
                found = true;
            }
            if (!found) mapped.push_back(p);
        }
        set = std::move(mapped);
    }
    if (!anchor.policies) return set;  // RFC 5937: a constraint only when present
    std::vector<std::string> own;
    for (int k = 0; k < sk_POLICYINFO_num(anchor.policies.get()); ++k)
        own.push_back(ossl::oid_text(sk_POLICYINFO_value(anchor.policies.get(), k)->policyid));
    const auto has = [](const std::vector<std::string>& v, const std::string& p) { return std::find(v.begin(), v.end(), p) != v.end(); };
    if (has(own, kAnyPolicy)) return set;
    if (has(set, kAnyPolicy)) return own;
    std::vector<std::string> both;
    for (const auto& p : set)
        if (has(own, p)) both.push_back(p);
    return both;
}

}  // namespace

void Engine::check_certificate(const CertFacts& c, Role role, const ValidationOptions& o, int idx, ValidationReport& r) const {
    for (const auto& why : c.malformed) r.add(FindingCode::MALFORMED_CERTIFICATE, Severity::Error, why, idx);
    for (const auto& why : c.issuer_lapses) r.add(FindingCode::AUTHORITY_KEY_ID_MISSING, Severity::Warning, why, idx);
    if (role == Role::Issued) {  // an anchor's own serial and self-signature are not judged
        if (c.bad_serial) r.add(FindingCode::MALFORMED_CERTIFICATE, Severity::Error, *c.bad_serial, idx);
        if (auto weak = weak_digest(c.signature_digest, o.allow_sha1); !weak.empty())
            r.add(FindingCode::WEAK_SIGNATURE, Severity::Error, weak, idx);
    }
    if (c.weak_key) r.add(FindingCode::KEY_TOO_WEAK, Severity::Error, *c.weak_key, idx);
    if (c.key_unsupported && !public_key(c)) r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, "public key", idx);
}

void Engine::check_trusted_leaf(const CertFacts& leaf, const ValidationOptions& o, ValidationReport& r) const {
    check_certificate(leaf, Role::Issued, o, 0, r);
    check_validity(leaf, *o.at, 0, r);
    if (leaf.unknown_critical) r.add(FindingCode::UNKNOWN_CRITICAL_EXTENSION, Severity::Error, *leaf.unknown_critical, 0);
    check_leaf(leaf, o, r);
}

void Engine::check_path(const Path& path, const ValidationOptions& o, ValidationReport& r) const {
    const int n = static_cast<int>(path.size()) - 1;  // certificates below the anchor
    const auto& in = o.policy;
    PathState st{in.explicit_policy ? 0 : n + 1, in.inhibit_any_policy ? 0 : n + 1, in.inhibit_policy_mapping ? 0 : n + 1, n,
                 PolicyTree{}, {}};
    std::vector<std::string> initial_policy_set = in.initial_policy_set;

    // RFC 5280: the anchor is its name and key. RFC 5937: its certificate constrains the path.
    const CertFacts& anchor = *path[0];
    const int anchor_idx = report_index(path, 0);
    if (o.anchor == AnchorConstraints::NameAndKey) {  // its key must still be one to trust
        if (anchor.weak_key) r.add(FindingCode::KEY_TOO_WEAK, Severity::Error, *anchor.weak_key, anchor_idx);
        if (anchor.key_unsupported && !public_key(anchor)) r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, "public key", anchor_idx);
    } else {
        check_certificate(anchor, Role::Anchor, o, anchor_idx, r);
        check_validity(anchor, *o.at, anchor_idx, r);
        if (anchor.unknown_critical) r.add(FindingCode::UNKNOWN_CRITICAL_EXTENSION, Severity::Error, *anchor.unknown_critical, anchor_idx);
        if (anchor.mappings && maps_any_policy(anchor)) r.add(FindingCode::POLICY_MAPPING_INVALID, Severity::Error, {}, anchor_idx);
        initial_policy_set = anchor_policy_set(anchor, std::move(initial_policy_set), st.policy_mapping > 0);
        if (initial_policy_set.empty() && st.explicit_policy == 0) r.add(FindingCode::POLICY_REQUIRED, Severity::Error, "none of the anchor's policies", anchor_idx);
        constrain_following(anchor, anchor_idx, o, st, r);
    }

    for (int i = 1; i <= n; ++i) {
        const CertFacts& c = *path[i];
        const int idx = report_index(path, i);
        const bool last = i == n;
        check_certificate(c, Role::Issued, o, idx, r);
        // (a): the signature is checked while building; validity and chaining here.
        if (path[i - 1]->gost_key)
            if (auto order = gost_order(c, *path[i - 1])) r.add(FindingCode::GOST_SIGNATURE_ORDER, Severity::Info, *order, idx);
        check_validity(c, *o.at, idx, r);
        // (b)-(c)
        if (!(c.self_issued && !last)) {
            for (const NAME_CONSTRAINTS* nc : st.constraints) {
                const NameCheck k = check_name_constraints(nc, c);
                if (k == NameCheck::Violated) r.add(FindingCode::NAME_CONSTRAINTS_VIOLATED, Severity::Error, {}, idx);
                if (k == NameCheck::Unsupported) r.add(FindingCode::NAME_CONSTRAINTS_UNSUPPORTED, Severity::Error, {}, idx);
                if (k == NameCheck::TooComplex) r.add(FindingCode::PATH_LIMIT, Severity::Error, "too many names × name constraints", idx);
                if (k != NameCheck::Ok) break;
            }
        }
        // (d)-(f)
        if (!st.tree.process(c, i, st.inhibit_any > 0 || (!last && c.self_issued)))
            r.add(FindingCode::PATH_LIMIT, Severity::Error, "policy tree too large", idx);
        if (st.explicit_policy == 0 && st.tree.null())
            r.add(FindingCode::POLICY_REQUIRED, Severity::Error, {}, idx);
        if (c.unknown_critical) r.add(FindingCode::UNKNOWN_CRITICAL_EXTENSION, Severity::Error, *c.unknown_critical, idx);
        if (last) break;

        // §6.1.4: preparation for certificate i+1.
        if (c.mappings) {
            if (maps_any_policy(c)) r.add(FindingCode::POLICY_MAPPING_INVALID, Severity::Error, {}, idx);
            else st.tree.apply_mappings(c, i, st.policy_mapping > 0);
        }
        if (!c.self_issued) {
            if (st.explicit_policy > 0) --st.explicit_policy;
            if (st.policy_mapping > 0) --st.policy_mapping;
            if (st.inhibit_any > 0) --st.inhibit_any;
            if (st.max_path_length <= 0) r.add(FindingCode::PATH_LENGTH_EXCEEDED, Severity::Error, {}, idx);
            else --st.max_path_length;
        }
        constrain_following(c, idx, o, st, r);
    }

    // §6.1.5 wrap-up.
    const CertFacts& leaf = *path[n];
    if (st.explicit_policy > 0) --st.explicit_policy;
    if (leaf.policy_constraints && leaf.policy_constraints->requireExplicitPolicy &&
        ASN1_INTEGER_get(leaf.policy_constraints->requireExplicitPolicy) == 0)
        st.explicit_policy = 0;
    r.policies = st.tree.intersect(initial_policy_set, n);
    if (st.explicit_policy == 0 && r.policies.empty() &&
        std::none_of(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.code == FindingCode::POLICY_REQUIRED; }))
        r.add(FindingCode::POLICY_REQUIRED, Severity::Error, {}, 0);
    check_leaf(leaf, o, r);
}

}  // namespace tanba::validation::detail
