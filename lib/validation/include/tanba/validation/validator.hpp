#pragma once
// Certification path validation (RFC 5280 §6): path building from trust anchors and an
// untrusted pool, the basic path checks, policies, name constraints, key usage, EKU and the
// NCA role OIDs as purposes, and revocation from OCSP responses (RFC 6960: CertID on all
// fields, authorised responder, freshness) and CRLs (§6.3, incl. distribution points,
// indirect and delta CRLs). Fails closed: anything not understood is an error finding.
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tanba/base/clock.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/revocation/fetch.hpp"
#include "tanba/revocation/ocsp.hpp"
#include "tanba/validation/report.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::validation {

/// What the certificate must be good for. Sign: digitalSignature or nonRepudiation;
/// Auth: digitalSignature. Any: no key usage requirement on the leaf.
enum class Purpose { Any, Sign, Auth };

/// Require: a certificate whose status is unknown makes the result INDETERMINATE.
/// Soft: unknown status is a warning. Off: revocation is not checked (a warning says so).
enum class RevocationMode { Off, Soft, Require };
std::string_view to_string(RevocationMode m);  ///< "off", "soft", "require".

/// What a trust anchor's certificate contributes to a path. NameAndKey (RFC 5280 §6.1.1 (d),
/// the default): only its name and public key (a weak or unusable key is still refused);
/// its validity and extensions do not apply. Constrained (RFC 5937): its certificate binds
/// the path as the first CA of it does: validity, cA and keyCertSign, critical extensions,
/// pathLenConstraint, nameConstraints, certificatePolicies (intersected with the initial
/// policy set), policyMappings, policyConstraints, inhibitAnyPolicy and EKU.
enum class AnchorConstraints { NameAndKey, Constrained };
std::string_view to_string(AnchorConstraints a);  ///< "rfc5280" / "rfc5937"

inline constexpr const char* kAnyPolicy = "2.5.29.32.0";

/// RFC 5280 §6.1.1 inputs (c)-(f).
struct PolicyInputs {
    std::vector<std::string> initial_policy_set{kAnyPolicy};  ///< dotted OIDs
    bool explicit_policy = false;
    bool inhibit_policy_mapping = false;
    bool inhibit_any_policy = false;
};

/// Caps that make path building fail fast (PATH_LIMIT) on hostile pools.
struct Limits {
    int max_depth = 10;                        ///< intermediate CAs (self-issued ones not counted)
    std::size_t max_signature_checks = 4096;   ///< per validation
    std::chrono::milliseconds time_budget{3000};
};

struct ValidationOptions {
    /// The validation time; unset: the current time (the system clock when validate() is called).
    std::optional<TimePoint> at;
    Purpose purpose = Purpose::Any;
    std::optional<std::string> eku;             ///< dotted OID the leaf's EKU must allow
    std::optional<std::string> host, ip, email; ///< the leaf must be issued for these
    PolicyInputs policy;
    AnchorConstraints anchor = AnchorConstraints::NameAndKey;
    Limits limits;
    /// Fail closed by default: a certificate whose status cannot be had is INDETERMINATE.
    RevocationMode revocation = RevocationMode::Require;
    /// Accept SHA-1 signatures on certificates and CRLs (old archives, NIST PKITS's DSA
    /// cases). MD2/MD4/MD5 are never accepted.
    bool allow_sha1 = false;
    /// Also run Botan's path validation on the same inputs; a different verdict is reported
    /// as a CROSS_CHECK_DISAGREES warning (and the report's cross_check).
    bool cross_check = false;
};

/// Trust anchors (every certificate given is one, self-signed or not), the untrusted pool,
/// the CRLs and OCSP responses; parsed once and indexed, shared by many validations
/// (thread-safe). With an `online` source, a certificate whose status the given data do not
/// settle is asked of it while its path is checked: OCSP from its responder, then the CRLs of
/// its distribution points (what could not be fetched becomes a FETCH_FAILED warning). The
/// source must outlive the validator.
class Validator {
public:
    /// Parses and indexes the trust material once; `online` (may be null) must outlive it.
    Validator(std::vector<x509::Certificate> anchors, std::vector<x509::Certificate> untrusted,
              std::vector<revocation::Crl> crls, std::vector<revocation::OcspResponse> ocsp = {},
              revocation::RevocationSource* online = nullptr);
    ~Validator();
    Validator(Validator&&) noexcept;  ///< Moves (the source is left empty).
    Validator& operator=(Validator&&) noexcept;  ///< Moves (the source is left empty).

    /// Never throws for anything about the certificates: problems are findings.
    /// `extra_untrusted`: certificates that came with the object (e.g. a CMS), used for this
    /// validation only.
    ValidationReport validate(const x509::Certificate& leaf, const ValidationOptions& options,
                              std::span<const x509::Certificate> extra_untrusted = {}) const;

    /// Parses a certificate once: the same DER again (a signer's certificate in each of its
    /// signatures) comes from a bounded cache shared with validation. Throws CERT_DECODE_FAILED.
    x509::Certificate certificate(ByteView der) const;

    /// The certificates it was given: trust anchors first, then the untrusted pool. A
    /// signature's signer may be among them when the signature does not carry it.
    std::vector<x509::Certificate> known_certificates() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tanba::validation
