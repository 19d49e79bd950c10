#pragma once
// Verifying CMS / CAdES signatures: every signer, each with its certificate validated at the
// validation time, its signed attributes checked, and its identity reported.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "tanba/base/bytes.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::cms {

/// Where the validation time came from: now, asked for (--at), or proven by a valid
/// signature-time-stamp (CAdES-T: the signer's certificate is checked at the time-stamp's time).
enum class TimeSource { Current, Requested, Timestamp };

struct VerifyOptions {
    validation::ValidationOptions validation;   // purpose defaults to Sign for documents
    TimeSource time_source = TimeSource::Current;
    bool allow_plain_cms = false;               // accept signers without signed attributes
    /// Signature-time-stamps are followed only at the top (a token's own are not): set by the
    /// verifier when it verifies a token; leave it at 0.
    int nesting = 0;
    VerifyOptions() { validation.purpose = validation::Purpose::Sign; }
};

/// A signature-time-stamp (CAdES-T) and what was found about it.
struct TimestampReport {
    std::optional<TimePoint> time;              // genTime, when the token could be read
    std::string policy;                         // the TSA policy OID
    std::optional<x509::Certificate> tsa;
    validation::ValidationReport report;        // the token's signature and the TSA's path
    bool valid = false;                         // verified, over this signature value, TSA trusted
};

struct SignerReport {
    validation::ValidationReport report;        // signature findings first, then the path's
    std::optional<x509::Certificate> certificate;
    std::optional<TimePoint> signing_time;      // claimed by the signer
    std::optional<TimestampReport> timestamp;   // present when the signer carries one
    TimePoint validation_time{};                // when the signer's certificate was checked
    TimeSource time_source = TimeSource::Current;
};

struct SignatureReport {
    validation::Indication indication = validation::Indication::Indeterminate;
    validation::SubIndication sub_indication = validation::SubIndication::None;
    std::vector<validation::Finding> findings;  // about the whole signature
    std::vector<SignerReport> signers;
    TimePoint validation_time;
    TimeSource time_source = TimeSource::Current;
    bool valid() const { return indication == validation::Indication::Valid; }
};

/// Verifies every signer. `content` is required for detached signatures. A signer's
/// signature-time-stamp is verified (token signature, imprint over the signature value, TSA
/// path with the timeStamping EKU at the validation time); when valid and no time was
/// requested, its time is the signer's validation time. Never throws for anything about the
/// signature (problems are findings); throws only INPUT_TOO_LARGE.
SignatureReport verify(ByteView cms, std::optional<ByteView> content, const validation::Validator& validator,
                       const VerifyOptions& options);

/// indication, subIndication, validationTime, validationTimeSource, findings, signers[] with
/// indication, subIndication, validationTime, validationTimeSource, signingTime, timestamp
/// {time, indication, subIndication, policy, tsa, findings} or null, findings,
/// signer {iin, bin, commonName, serial, roles}, chain.
nlohmann::json to_json(const SignatureReport& report);
std::string to_text(const SignatureReport& report);

}  // namespace tanba::cms
