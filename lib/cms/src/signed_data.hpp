#pragma once
// Shared CMS plumbing: parsing with limits, content access, signer lookup, attributes.
#include <openssl/cms.h>

#include <optional>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/cms/document.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/ossl/handles.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cms::detail {

/// Largest signature accepted (attached content included).
inline constexpr std::size_t kMaxSignature = 64u << 20;

/// A SignedData ContentInfo from DER or PEM ("CMS"/"PKCS7"). Throws CMS_DECODE_FAILED.
ossl::CmsContent parse(ByteView data);

/// A SignedData whose certificates were taken out before parsing (OpenSSL 3.0 decodes every
/// embedded certificate's key on d2i, which dominates verification): the rest parsed, the
/// certificates as DER for the caller to parse once and cache. Throws CMS_DECODE_FAILED.
struct ParsedSignedData {
    Bytes der;                                  // the input as DER (PEM decoded)
    ossl::CmsContent cms;                       // without its certificates
    std::vector<ByteView> certificates;         // views into `der`
    std::size_t trailing_zeros = 0;             // zero bytes that followed the ContentInfo (dropped)
};
/// BER input is re-encoded as DER first (`der` is then the DER).
ParsedSignedData parse_without_certificates(ByteView data);
/// A DER (or BER) ContentInfo of a SignedData, the whole input. Throws CMS_DECODE_FAILED.
ossl::CmsContent parse_der(ByteView data);
Bytes to_der(CMS_ContentInfo* cms);

/// The encapsulated content, when attached.
std::optional<ByteView> attached_content(CMS_ContentInfo* cms);

/// A SigningCertificate(V2) value reduced to its first ESSCertID(v2), the one RFC 5035 binds to
/// the signer (the others are hints about the path); nullopt when it is not a SEQUENCE whose
/// first element is a non-empty SEQUENCE OF.
std::optional<Bytes> first_signing_cert_only(ByteView value);

/// SignerInfo versions in order, read from the DER (OpenSSL does not expose them).
std::vector<long> signer_info_versions(ByteView der);

/// The signed attribute's single value, or nullptr.
const ASN1_TYPE* signed_attribute(CMS_SignerInfo* si, int nid);

/// What a signature is over: the document's bytes, or (a large detached document) its
/// digests; neither when it is not at hand.
struct Content {
    std::optional<ByteView> bytes;
    const DocumentDigests* digests = nullptr;
    bool present() const { return bytes || digests; }
};

/// The SignerInfo's digest algorithm (dotted OID).
std::string digest_algorithm_of(CMS_SignerInfo* si);
/// Digest of the content with a digest algorithm (dotted OID), or the SignerInfo's; nullopt
/// when unsupported (or not among the digests given).
std::optional<Bytes> content_digest(const std::string& algorithm, const Content& content);
std::optional<Bytes> content_digest(CMS_SignerInfo* si, const Content& content);

}  // namespace tanba::cms::detail
