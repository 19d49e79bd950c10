#pragma once
// Everything path validation reads from a certificate, decoded once.
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <optional>
#include <string>
#include <vector>

#include "tanba/ossl/handles.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::validation::detail {

struct CertFacts {
    explicit CertFacts(x509::Certificate c);

    x509::Certificate cert;
    X509* x = nullptr;                    // borrowed from cert
    Bytes fingerprint;                    // SHA-256 of the DER
    unsigned long subject_hash = 0;       // canonical-name hashes, for indexing
    unsigned long issuer_hash = 0;
    bool self_issued = false;             // subject == issuer
    std::vector<std::string> malformed;   // RFC 5280 §4 violations, one reason each
    std::optional<std::string> bad_serial;  // zero, negative, longer than 20 octets
    std::optional<std::string> weak_key;  // why the public key is refused (size, curve)
    bool key_unsupported = false;         // neither OpenSSL nor lib/gost can use it
    bool gost_key = false;                // a GOST key: its signatures are checked through x509/gost.hpp
    int signature_digest = NID_undef;     // digest of the certificate's signature algorithm
    /// A critical extension (or part of one) this validator cannot interpret: which.
    std::optional<std::string> unknown_critical;
    /// Rules RFC 5280 §4 puts on the issuer that path validation does not depend on
    /// (reported as warnings), one reason each.
    std::vector<std::string> issuer_lapses;
    bool is_ca = false;                   // basicConstraints cA
    std::optional<long> path_len;
    std::optional<std::uint32_t> key_usage;   // X509v3_KU_* bits when the extension is present
    std::optional<std::vector<std::string>> eku;  // dotted OIDs when present
    std::optional<Bytes> ski, aki;
    ossl::NameConstraints name_constraints;
    ossl::CertPolicies policies;
    ossl::PolicyMappings mappings;
    ossl::PolicyConstraints policy_constraints;
    std::optional<long> inhibit_any;
    ossl::GeneralNames san;
    ossl::CrlDistPoints crl_dps;

    const X509_NAME* subject() const { return X509_get_subject_name(x); }
    const X509_NAME* issuer() const { return X509_get_issuer_name(x); }
};

bool same_name(const X509_NAME* a, const X509_NAME* b);

/// Why a signature made with this digest is refused; empty when it is acceptable.
std::string weak_digest(int digest_nid, bool allow_sha1);

}  // namespace tanba::validation::detail
