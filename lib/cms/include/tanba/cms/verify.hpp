#pragma once
// Verifying CMS / CAdES signatures: every signer, each with its certificate validated at the
// validation time, its signed attributes checked, and its identity reported.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "tanba/base/bytes.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::cms {

/// Where the validation time came from.
enum class TimeSource { Current, Requested };

struct VerifyOptions {
    validation::ValidationOptions validation;   // purpose defaults to Sign for documents
    TimeSource time_source = TimeSource::Current;
    bool allow_plain_cms = false;               // accept signers without signed attributes
    VerifyOptions() { validation.purpose = validation::Purpose::Sign; }
};

struct SignerReport {
    validation::ValidationReport report;        // signature findings first, then the path's
    std::optional<x509::Certificate> certificate;
    std::optional<TimePoint> signing_time;      // claimed by the signer
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

/// Verifies every signer. `content` is required for detached signatures. Never throws for
/// anything about the signature (problems are findings); throws only INPUT_TOO_LARGE.
SignatureReport verify(ByteView cms, std::optional<ByteView> content, const validation::Validator& validator,
                       const VerifyOptions& options);

/// indication, subIndication, validationTime, validationTimeSource, findings, signers[] with
/// indication, subIndication, signingTime, findings, signer {iin, bin, commonName, serial, roles}, chain.
nlohmann::json to_json(const SignatureReport& report);
std::string to_text(const SignatureReport& report);

}  // namespace tanba::cms
