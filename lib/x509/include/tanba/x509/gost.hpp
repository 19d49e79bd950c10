#pragma once
// Signatures OpenSSL cannot check because their algorithm is GOST (Kazakhstan's NCA algorithms
// or the Russian GOST R 34.10-2012 OIDs): checked through lib/gost (Botan). Every verifier asks
// here first, then checks the others as it always has (docs/gost.md).
#include <optional>
#include <string>
#include <string_view>

#include "tanba/base/bytes.hpp"
#include "tanba/gost/signature.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::x509 {

enum class GostVerdict {
    NotGost,     // not a GOST signature: the caller checks it
    Valid,
    Invalid,     // does not verify
    Unsupported  // a GOST signature whose key or curve lib/gost cannot use
};

/// The byte order a valid GOST signature was written in.
enum class GostOrder { Nca, Rfc4491 };
/// "r||s little-endian (NCA RK)" / "s||r big-endian (RFC 4491)": the GOST_SIGNATURE_ORDER detail.
std::string_view gost_order_text(GostOrder order);

struct GostCheck {
    GostVerdict verdict = GostVerdict::NotGost;
    std::string detail;                // the byte order that matched, or why not
    std::optional<GostOrder> order;    // when valid
};

/// `signed_der` is a Certificate, CertificationRequest, CertificateList or BasicOCSPResponse
/// (SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING, … }); the signer is the
/// certificate whose key made it, or that key's SubjectPublicKeyInfo (a request's own key).
/// NotGost when the signature algorithm is not a GOST one.
GostCheck check_gost_signature(ByteView signed_der, const X509* signer);
GostCheck check_gost_signature(ByteView signed_der, ByteView signer_spki);
/// The same over bytes already taken apart (a CMS SignerInfo: the signed attributes' DER).
GostCheck check_gost_signature(gost::Algorithm algorithm, ByteView data, ByteView signature, const X509* signer);
GostCheck check_gost_signature(gost::Algorithm algorithm, ByteView data, ByteView signature, ByteView signer_spki);
/// Whether the signer's key is a GOST key (then OpenSSL has no EVP_PKEY for it).
bool has_gost_key(const X509* cert);
/// The key spec of a GOST SubjectPublicKeyInfo (gost2015-512 or gost2004), or nullopt.
std::optional<keys::KeySpec> gost_key_spec(const X509_PUBKEY* spki);

}  // namespace tanba::x509
