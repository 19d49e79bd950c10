#pragma once
// Certificates assembled from DER: a profile's fixed part for one issuer is encoded (and
// linted) once; per certificate only the serial, validity, subject, public key, its key
// identifier and allowed request extensions are spliced in, and the TBS is signed directly.
// This is the issuance hot path; build_tbs/sign_tbs remain for self-signed roots and tests.
#include <vector>

#include "tanba/x509/builder.hpp"

namespace tanba::x509 {

/// Per-certificate inputs.
struct TemplateFields {
    Bytes serial;                          // positive, big-endian
    TimePoint not_before{};
    TimePoint not_after{};
    Bytes subject;                         // Name DER
    Bytes public_key;                      // SubjectPublicKeyInfo DER
    Bytes key_id;                          // subject key identifier (RFC 5280 method 1)
    std::vector<Bytes> extra_extensions;   // Extension DERs (allowed request extensions)
};

/// The encodings a template needs from a request (subject, key, allowed extensions).
TemplateFields fields_from(const X509_NAME* subject, const X509_PUBKEY* public_key,
                           const std::vector<ossl::Extension>& extra);

class CertificateTemplate {
public:
    /// Encodes the fixed part and lints a sample certificate built the ordinary way from it
    /// (LINT_FAILED when the profile itself yields a bad certificate). The signer's signature
    /// algorithm identifier is taken from that sample.
    CertificateTemplate(const PreparedProfile& profile, const Certificate& issuer, const keys::Signer& signer);

    /// TBSCertificate DER with the fields spliced in.
    Bytes tbs(const TemplateFields& fields) const;
    /// Signs a TBS from tbs() and assembles the certificate (parsed only when first used).
    Certificate sign(ByteView tbs, const keys::Signer& signer) const;

private:
    Bytes signature_algorithm_;  // AlgorithmIdentifier DER
    Bytes issuer_;               // Name DER
    Bytes fixed_extensions_;     // the profile's Extension DERs
    Bytes authority_key_id_;     // Extension DER
    keys::SignOptions options_;
};

/// Checks per-certificate fields against the profile and issuer before anything is stored:
/// serial (positive, 64..160 bits), validity inside the issuer's, subject rules and identifier
/// check digits. Throws IDENTIFIER_INVALID, NAME_INVALID or LINT_FAILED.
void require_clean_fields(const TemplateFields& fields, const SubjectIdentity& subject, const Profile& profile,
                          const Certificate& issuer);

}  // namespace tanba::x509
