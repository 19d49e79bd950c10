#pragma once
// The outcome of validating a certificate: an ETSI-style indication, findings with stable
// codes, the path that was chosen, and who the certificate belongs to.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tanba/base/clock.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::validation {

enum class Indication { Valid, Invalid, Indeterminate };

/// ETSI EN 319 102-1 sub-indications used by tanba.
enum class SubIndication {
    None, FormatFailure, HashFailure, SigCryptoFailure, Revoked, Expired, NotYetValid,
    NoCertificateChainFound, ChainConstraintsFailure, CertificateChainGeneralFailure,
    CryptoConstraintsFailure, PolicyProcessingError, TryLater, SigConstraintsFailure,
    NoSigningCertificateFound, SignedDataNotFound,
};

enum class FindingCode {
#define FINDING(name, ind, sub, msg) name,
#include "tanba/validation/findings.def"
#undef FINDING
};

enum class Severity { Error, Warning, Info };

struct Finding {
    FindingCode code;
    Severity severity = Severity::Error;
    std::string message;          ///< the table's message, with details appended
    std::optional<int> certificate;  ///< index into ValidationReport::chain (0 = the leaf)
};

/// A finding with the table's message, `detail` appended after ": " when given.
Finding make_finding(FindingCode code, Severity severity, std::string detail = {}, std::optional<int> cert = {});

/// What the table says an error finding means.
Indication indication_of(FindingCode c);
SubIndication sub_indication_of(FindingCode c);  ///< What the table says an error finding's sub-indication is.
std::string_view to_string(FindingCode c);  ///< The finding's stable name, e.g. "CERT_REVOKED".
std::string_view message_of(FindingCode c);  ///< The table's message for a finding.
std::string_view to_string(Indication i);       ///< "VALID", "INVALID", "INDETERMINATE"
std::string_view to_string(SubIndication s);    ///< "REVOKED", ... ; "" for None
std::string_view to_string(Severity s);         ///< "error", "warning", "info"

struct ChainElement {
    x509::Certificate certificate;
    bool trust_anchor = false;
    std::string revocation;       ///< "good", "revoked", "unknown", "not checked", "" for anchors
};

struct ValidationReport {
    Indication indication = Indication::Indeterminate;
    SubIndication sub_indication = SubIndication::None;
    TimePoint validation_time;
    std::vector<Finding> findings;
    std::vector<ChainElement> chain;  ///< leaf first, trust anchor last; empty when none was found
    std::vector<std::string> policies;  ///< user-constrained policy set (dotted OIDs; 2.5.29.32.0 = any)
    struct CrossCheck {
        bool valid;
        std::string reason;
    };
    std::optional<CrossCheck> cross_check;  ///< Botan's verdict, when asked for
    /// The revocation policy applied: "require", "soft" or "off", and whether a revocation
    /// source (the network) was consulted beside the given CRLs and OCSP responses.
    struct RevocationPolicy {
        std::string mode;
        bool online = false;
    };
    RevocationPolicy revocation_policy;
    /// The trust-anchor model applied: "rfc5280" (name and key) or "rfc5937" (constrained).
    std::string anchor_constraints;

    bool valid() const { return indication == Indication::Valid; }  ///< indication is VALID.
    /// Sets indication and sub-indication from the error findings: the first INVALID one
    /// wins, else the first INDETERMINATE one, else VALID.
    void conclude();
    /// Appends make_finding(code, severity, detail, cert).
    void add(FindingCode code, Severity severity, std::string detail = {}, std::optional<int> cert = {});
};

/// Everything `tanba cert show --json` reports about a certificate (x509::describe): subject,
/// issuer, serial, sha256, names, iin/bin {value, status, code}, subjectAttributes,
/// nameFindings, keyUsage, extendedKeyUsage, roles, policies, usageClass, validity, isCa,
/// pathLength, algorithms.
nlohmann::json to_json(const x509::CertificateInfo& info);
/// The identity fields reported for a certificate ("signer" / "certificate" objects).
nlohmann::json identity_json(const x509::Certificate& cert);
/// Findings as JSON objects: code, severity, message, certificate (when about one).
nlohmann::json to_json(const std::vector<Finding>& findings);
/// indication, subIndication, validationTime, findings, chain, policies.
nlohmann::json to_json(const ValidationReport& report);
/// Human-readable summary, one finding per line.
std::string to_text(const ValidationReport& report);

}  // namespace tanba::validation
