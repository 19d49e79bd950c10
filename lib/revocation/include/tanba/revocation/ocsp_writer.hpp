#pragma once
// The responder's side of OCSP (RFC 6960): requests as a responder reads them, and responses
// written as DER and signed through any keys::Signer (beside CrlWriter; OcspResponse in
// ocsp.hpp is the relying party's side).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

/// Requests larger than this are malformed (a one-certificate request is about 100 bytes).
inline constexpr std::size_t kMaxOcspRequest = 64 * 1024;

/// One certificate asked about.
struct CertIdInfo {
    Bytes der;               // the CertID, DER as OpenSSL re-encodes it: answered verbatim, a cache key
    std::string hash_oid;    // dotted OID of the hash algorithm
    Bytes issuer_name_hash;
    Bytes issuer_key_hash;
    Bytes serial;            // big-endian magnitude (what the store's hex serials encode)
};

struct OcspRequestInfo {
    std::vector<CertIdInfo> certificates;   // at least one
    std::optional<Bytes> nonce_extension;   // the nonce Extension DER, echoed verbatim
    bool other_extensions = false;          // extensions besides the nonce
};

/// The request, or nullopt when the input is not exactly one DER OCSPRequest of at most
/// kMaxOcspRequest bytes asking about at least one certificate. Never throws for bad input.
std::optional<OcspRequestInfo> parse_ocsp_request(ByteView der);

/// How one issuer appears in CertIDs for one hash algorithm.
struct IssuerHashes {
    Bytes algorithm;         // the hash AlgorithmIdentifier DER (parameters NULL, as OpenSSL writes)
    std::string hash_oid;
    Bytes name_hash;         // hash of the issuer's subject Name DER
    Bytes key_hash;          // hash of the issuer's subjectPublicKey BIT STRING value
    bool matches(const CertIdInfo& id) const {
        return id.hash_oid == hash_oid && id.issuer_name_hash == name_hash && id.issuer_key_hash == key_hash;
    }
};
/// The issuer's hashes for SHA-1, SHA-256, SHA-384 and SHA-512 (SHA-1 first).
std::vector<IssuerHashes> issuer_hashes(const x509::Certificate& issuer);
/// The CertID for one of the issuer's certificates (serial as a big-endian magnitude).
CertIdInfo make_cert_id(const IssuerHashes& issuer, ByteView serial);

/// OCSPResponseStatus values.
enum class OcspResponseStatus : std::uint8_t {
    Successful = 0, MalformedRequest = 1, InternalError = 2, TryLater = 3, SigRequired = 5, Unauthorized = 6,
};
/// An OCSPResponse carrying only a status (anything but Successful).
Bytes ocsp_status_only(OcspResponseStatus status);

enum class CertState { Good, Revoked, Unknown };

/// A certificate's status as its issuer knows it (a certificate on hold is Revoked with
/// reason certificateHold).
struct CertificateStatus {
    CertState state = CertState::Unknown;
    TimePoint revoked_at{};  // Revoked only
    std::optional<Reason> reason;
};

/// What a responder states about one certificate.
struct SingleAnswer {
    Bytes cert_id;           // CertIdInfo::der of the question
    CertificateStatus status;
    TimePoint this_update{};
    TimePoint next_update{};
};

struct OcspResponseSpec {
    TimePoint produced_at{};
    std::vector<SingleAnswer> answers;
    std::optional<Bytes> nonce_extension;   // OcspRequestInfo::nonce_extension
};

/// Writes signed OCSP responses for one responder: the CA itself or a delegated responder.
/// The ResponderID is the responder certificate's subject name, and that certificate is
/// included (relying parties find the responder without configuration).
class OcspWriter {
public:
    /// Throws KEY_MISMATCH when signer's key is not the certificate's, KEY_UNSUPPORTED when
    /// the signer cannot name its algorithm.
    OcspWriter(const x509::Certificate& responder, const keys::Signer& signer);

    /// A successful OCSPResponse with a BasicOCSPResponse signed by the signer (one
    /// Signer::sign call). Throws CA_CERT_NOT_VALID when producedAt is outside the responder
    /// certificate's validity (nothing is signed with an expired certificate),
    /// KEY_SIGN_FAILED / TOKEN_OPERATION_FAILED.
    Bytes write(const OcspResponseSpec& spec) const;

    const x509::Certificate& responder() const { return responder_; }

private:
    const x509::Certificate& responder_;
    const keys::Signer& signer_;
    keys::SignOptions options_;
    Bytes algorithm_;        // signatureAlgorithm
    Bytes responder_id_;     // [1] EXPLICIT Name
    Bytes certs_;            // [0] EXPLICIT SEQUENCE OF Certificate
    TimePoint valid_from_, valid_until_;  // the responder certificate's validity
};

}  // namespace tanba::revocation
