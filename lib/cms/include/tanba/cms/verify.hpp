#pragma once
// Verifying CMS / CAdES signatures: every signer, each with its certificate validated at the
// validation time, its signed attributes checked, and its identity reported.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "tanba/base/bytes.hpp"
#include "tanba/cms/document.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::cms {

/// Where the validation time came from: now, asked for (--at), or proven by a valid
/// signature-time-stamp (CAdES-T: the signer's certificate is checked at the time-stamp's time).
enum class TimeSource { Current, Requested, Timestamp };

/// The least a signature must prove. B: a signature-time-stamp that is missing, unreadable
/// or does not validate is reported as a warning and the signature is judged on its own
/// (at the current or requested time). T: a valid signature-time-stamp is required.
enum class SignatureLevel { B, T };

struct VerifyOptions {
    validation::ValidationOptions validation;   ///< purpose defaults to Sign for documents
    TimeSource time_source = TimeSource::Current;
    SignatureLevel level = SignatureLevel::B;
    bool allow_plain_cms = false;               ///< accept signers without signed attributes
    /// Signature-time-stamps are followed only at the top (a token's own are not): set by the
    /// verifier when it verifies a token; leave it at 0.
    int nesting = 0;
    VerifyOptions() { validation.purpose = validation::Purpose::Sign; }
};

/// A signature-time-stamp (CAdES-T) and what was found about it.
struct TimestampReport {
    std::optional<TimePoint> time;              ///< genTime, when the token could be read
    std::string policy;                         ///< the TSA policy OID
    std::optional<x509::Certificate> tsa;
    validation::ValidationReport report;        ///< the token's signature and the TSA's path
    bool valid = false;                         ///< verified, over this signature value, TSA trusted
};

struct SignerReport {
    validation::ValidationReport report;        ///< signature findings first, then the path's
    std::optional<x509::Certificate> certificate;
    std::optional<TimePoint> signing_time;      ///< claimed by the signer
    std::optional<TimestampReport> timestamp;   ///< present when the signer carries one
    /// The signature (and its signed attributes) verified with the certificate's key, whatever
    /// the certificate's path says: what the report's errors are about when this is false.
    bool signature_verified = false;
    TimePoint validation_time{};                ///< when the signer's certificate was checked
    TimeSource time_source = TimeSource::Current;
};

struct SignatureReport {
    validation::Indication indication = validation::Indication::Indeterminate;
    validation::SubIndication sub_indication = validation::SubIndication::None;
    std::vector<validation::Finding> findings;  ///< about the whole signature
    std::vector<SignerReport> signers;
    TimePoint validation_time;
    TimeSource time_source = TimeSource::Current;
    bool valid() const { return indication == validation::Indication::Valid; }  ///< indication is VALID.
};

/// Verifies every signer. `content` is required for detached signatures. A signer's
/// signature-time-stamp is verified (token signature, imprint over the signature value, TSA
/// path with the timeStamping EKU at the validation time); when valid and no time was
/// requested, its time is the signer's validation time. Never throws for anything about the
/// signature (problems are findings); throws only INPUT_TOO_LARGE.
SignatureReport verify(ByteView cms, std::optional<ByteView> content, const validation::Validator& validator,
                       const VerifyOptions& options);
/// The same for a detached signature over a document known by its digests (computed over
/// digest_algorithms(cms) in one streaming pass): constant memory for any size. A signer
/// without signed attributes signs the content itself and is CONTENT_MISSING here.
SignatureReport verify(ByteView cms, const DocumentDigests& detached, const validation::Validator& validator,
                       const VerifyOptions& options);

/// What a time-stamp token must be over: the data (hashed with the token's imprint algorithm)
/// or, when set, its digest; and the request's nonce, when it is to be checked.
struct TimestampSubject {
    ByteView data;
    std::optional<Bytes> digest;
    std::optional<Bytes> nonce;   ///< big-endian magnitude
};

/// An RFC 3161 token on its own: the imprint over the subject (TIMESTAMP_IMPRINT_MISMATCH),
/// the nonce when given, the token's signature (TIMESTAMP_INVALID), the TSA's path at the
/// validation time with the sole critical timeStamping EKU (TIMESTAMP_UNTRUSTED). The verdict
/// is the report's. Never throws for anything about the token.
TimestampReport verify_timestamp(ByteView token, const TimestampSubject& subject, const validation::Validator& validator,
                                 const VerifyOptions& options);

/// The encapsulated content of a SignedData (DER, BER or PEM), when attached; nullopt when
/// detached. Throws CMS_DECODE_FAILED, INPUT_TOO_LARGE.
std::optional<Bytes> encapsulated_content(ByteView cms);

/// True when data is a time-stamp token (a SignedData of a TSTInfo) rather than a signature.
bool is_timestamp_token(ByteView data);

/// indication, subIndication, validationTime, validationTimeSource, findings, signers[] with
/// indication, subIndication, validationTime, validationTimeSource, signingTime, timestamp
/// {time, indication, subIndication, policy, tsa, findings} or null, findings,
/// signer {iin, bin, commonName, serial, roles}, chain.
nlohmann::json to_json(const SignatureReport& report);
/// time, indication, subIndication, policy, tsa, findings, chain, revocationPolicy.
nlohmann::json to_json(const TimestampReport& report);
std::string to_text(const SignatureReport& report);  ///< The report as `tanba verify` prints it.

}  // namespace tanba::cms
