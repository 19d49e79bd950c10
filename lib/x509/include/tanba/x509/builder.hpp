#pragma once
// Building and signing certificates from a profile.
//
// Issuance is split so the CA can put its own steps in between (ARCHITECTURE.md):
//   prepare_profile (once per profile and issuer) → build_tbs → lint → [store] → sign_tbs.
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/x509/certificate.hpp"
#include "tanba/x509/profile.hpp"

namespace tanba::x509 {

/// Where relying parties find revocation data and the issuer's certificate.
struct RevocationUrls {
    std::string crl;         // CRL distribution point
    std::string ocsp;        // AIA OCSP
    std::string ca_issuers;  // AIA caIssuers
};

/// A profile's fixed extensions, encoded once for an issuer.
struct PreparedProfile {
    const Profile* profile = nullptr;
    std::vector<ossl::Extension> extensions;  // KU, EKU, BC, policies, CRL DP, AIA, ocsp-nocheck
};
PreparedProfile prepare_profile(const Profile& profile, const RevocationUrls& urls);

/// A fresh serial of 16 bytes: 0x01, the issuance time in seconds (5 bytes, big-endian), then
/// 10 bytes (80 bits) from the CSPRNG — a positive 121-bit integer with more than the 64 random
/// bits RFC 5280 / CA/B Forum ask for. The time prefix keeps the store's serial index growing
/// at its end instead of at random places (one page written per batch, not one per certificate).
Bytes random_serial(TimePoint now);

/// RFC 5280 4.2.1.2 method 1 key identifier: SHA-1 of the subjectPublicKey BIT STRING.
Bytes key_identifier(const X509_PUBKEY* key);
/// The same for a key object (encodes it first: slower).
Bytes key_identifier(const EVP_PKEY* key);
/// The same for an encoded SubjectPublicKeyInfo (any algorithm, GOST too).
Bytes key_identifier(ByteView spki);
/// A certificate's key identifier: its subjectKeyIdentifier extension, else computed as above.
Bytes key_identifier(const Certificate& cert);

/// What varies per certificate.
struct TbsRequest {
    const X509_NAME* subject = nullptr;
    const EVP_PKEY* public_key = nullptr;
    Bytes serial;
    TimePoint not_before;
    TimePoint not_after;
    std::vector<ossl::Extension> extra_extensions;  // e.g. allowed CSR extensions
    Bytes public_key_der;                           // the SubjectPublicKeyInfo when public_key is null (GOST)
};

/// Who signs: the issuer's certificate, or none for a self-signed root (then the issuer name
/// is the subject and the authority key id is the subject's own key id).
struct IssuerRef {
    const Certificate* certificate = nullptr;
};

/// An unsigned certificate. Move-only.
class Tbs {
public:
    explicit Tbs(ossl::Cert cert) : cert_(std::move(cert)) {}
    X509* get() const { return cert_.get(); }
    ossl::Cert release() { return std::move(cert_); }

private:
    ossl::Cert cert_;
};

/// Assembles the TBS. Throws CRYPTO_FAILURE, NAME_INVALID.
Tbs build_tbs(const PreparedProfile& profile, const TbsRequest& request, IssuerRef issuer);

/// Signs with the issuer's key (its conventional hash). Throws KEY_SIGN_FAILED.
Certificate sign_tbs(Tbs tbs, const keys::Signer& signer);

/// The validity a profile gives at `now`, kept inside the issuer's validity: notBefore is
/// backdated one minute for clock skew (never before the issuer's notBefore), notAfter never
/// after the issuer's notAfter.
std::pair<TimePoint, TimePoint> validity_for(const Profile& profile, TimePoint now, const Certificate* issuer);

}  // namespace tanba::x509
