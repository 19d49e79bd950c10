#pragma once
// CAdES-B-B signatures (CMS SignedData, RFC 5652 + ETSI EN 319 122-1): contentType,
// messageDigest, signingTime and signingCertificateV2 signed; attached or detached; several
// signers on one document. CAdES-B-T: a signature-time-stamp (RFC 3161 token over the
// signature value) as an unsigned attribute.
#include <functional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/cms/document.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cms {

enum class Attachment { Attached, Detached };
enum class Certificates { SignerAndChain, None };

/// id-data, the eContentType of a document.
inline constexpr const char* kIdData = "1.2.840.113549.1.7.1";

struct SignOptions {
    Attachment attachment = Attachment::Attached;
    keys::SignOptions algorithm;                 ///< digest (SHA-256/384/512) and RSA padding
    TimePoint signing_time;                      ///< the signingTime attribute (a claim)
    std::vector<x509::Certificate> chain;        ///< added beside the signer's certificate
    Certificates certificates = Certificates::SignerAndChain;   ///< None: no certificates at all
    std::string content_type = kIdData;          ///< eContentType (dotted OID), e.g. id-ct-TSTInfo
    /// When set, makes the signature CAdES-B-T: called with the new signer's signature value,
    /// returns an RFC 3161 token (ContentInfo DER) over it, which is added as the
    /// signature-time-stamp (id-aa-signatureTimeStampToken). Its errors propagate.
    std::function<Bytes(ByteView signature_value)> timestamp;
};

/// A new SignedData with one signer. The key must belong to the certificate (KEY_MISMATCH).
/// The signed attributes are encoded here and signed with one Signer::sign call. Throws
/// KEY_SIGN_FAILED / TOKEN_OPERATION_FAILED / CRYPTO_FAILURE.
Bytes sign(ByteView content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& options);

/// A detached signature over a document known by its digests (DocumentDigests over
/// digest_algorithm(options.algorithm.hash)): constant memory for any size. USAGE unless
/// options.attachment is Detached.
Bytes sign(const DocumentDigests& document, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& options);

/// Adds a signer to an existing SignedData over the same content (co-signature). The content
/// must match the existing signers' messageDigest (CMS_CONTENT_MISMATCH otherwise); the
/// attachment of the existing signature is kept.
Bytes add_signer(ByteView existing, ByteView content, const keys::Signer& key, const x509::Certificate& cert,
                 const SignOptions& options);

}  // namespace tanba::cms
