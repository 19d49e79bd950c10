#pragma once
// The validator's internals: indexed inputs, path building, per-path checks, CRL status.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "cert_facts.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/revocation/fetch.hpp"
#include "tanba/revocation/ocsp.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::validation::detail {

/// A candidate path, trust anchor first, leaf last.
using Path = std::vector<const CertFacts*>;

/// Report index of path[i] (the report lists the leaf first).
inline int report_index(const Path& p, std::size_t i) { return static_cast<int>(p.size() - 1 - i); }

/// One run of validation: what it may still spend, and the certificates that came with the
/// object being verified (a CMS's certificates), untrusted like the pool.
struct Budget {
    std::chrono::steady_clock::time_point deadline;
    std::size_t signature_checks_left;
    bool exhausted = false;
    std::vector<std::shared_ptr<const CertFacts>> extra;
    bool spend();  // one signature check; false (and exhausted) when over a cap
};

class Engine {
public:
    Engine(std::vector<x509::Certificate> anchors, std::vector<x509::Certificate> untrusted,
           std::vector<revocation::Crl> crls, std::vector<revocation::OcspResponse> ocsp,
           revocation::RevocationSource* online);

    /// Builds paths and validates them until one is valid; `nesting` > 0 for CRL signers.
    ValidationReport validate(const CertFacts& leaf, const ValidationOptions& o, Budget& budget, int nesting) const;
    ValidationReport validate(const x509::Certificate& leaf, const ValidationOptions& o,
                              std::span<const x509::Certificate> extra) const;

    /// Botan's verdict on the same inputs, recorded in the report (a finding when it differs).
    void second_opinion(const x509::Certificate& leaf, const ValidationOptions& o,
                        std::span<const x509::Certificate> extra, ValidationReport& report) const;
    /// The facts of a certificate, decoded once (bounded cache keyed by the DER's SHA-256).
    std::shared_ptr<const CertFacts> facts(const x509::Certificate& c) const;
    /// A certificate parsed once (same cache).
    x509::Certificate intern(ByteView der) const;

    /// RFC 5280 §6.1 for one path (no revocation): error findings into `report`.
    void check_path(const Path& path, const ValidationOptions& o, ValidationReport& report) const;
    /// Profile problems of one certificate (malformed, weak or unsupported key). A trust
    /// anchor's serial number is not judged (old roots have serial 0).
    enum class Role { Anchor, Issued };
    void check_certificate(const CertFacts& c, Role role, const ValidationOptions& o, int idx, ValidationReport& report) const;
    /// A leaf that is itself a trust anchor: its own profile, validity and purpose.
    void check_trusted_leaf(const CertFacts& leaf, const ValidationOptions& o, ValidationReport& report) const;
    /// §6.3 for every certificate of a structurally valid path.
    void check_revocation(const Path& path, const ValidationOptions& o, Budget& budget, int nesting,
                          ValidationReport& report) const;

    /// Why child's signature cannot be checked against parent here (an algorithm or a key
    /// OpenSSL cannot process), or nullopt when it can.
    std::optional<std::string> unsupported_signature(const CertFacts& child, const CertFacts& parent) const;
    /// child's signature verifies with parent's key (cached; spends budget when computed).
    bool signed_by(const CertFacts& child, const CertFacts& parent, Budget& budget) const;
    /// For a GOST-signed link of a path already built: the byte order that verified.
    std::optional<std::string> gost_order(const CertFacts& child, const CertFacts& parent) const;
    /// The certificate's public key; for a DSA key without domain parameters, with those of
    /// an issuer's key that signed it (RFC 3279 inheritance). Null when unusable.
    ossl::PKey public_key(const CertFacts& c, int depth = 0) const;
    std::vector<const CertFacts*> issuers_named(const X509_NAME* name, unsigned long hash, bool anchors) const;
    /// Untrusted certificates with that subject: the pool and the run's extra certificates.
    std::vector<const CertFacts*> untrusted_named(const X509_NAME* name, unsigned long hash, const Budget& run) const;
    bool is_anchor(const CertFacts& c) const;
    /// The trust anchors, then the untrusted pool, as given.
    std::vector<x509::Certificate> known_certificates() const;

private:
    std::vector<std::unique_ptr<CertFacts>> anchors_, pool_;
    std::unordered_multimap<unsigned long, const CertFacts*> anchors_by_subject_, pool_by_subject_;
    std::vector<revocation::Crl> crls_;
    std::vector<revocation::OcspResponse> ocsp_;
    std::vector<const revocation::Crl*> crl_ptrs_;
    std::vector<const revocation::OcspResponse*> ocsp_ptrs_;
    revocation::RevocationSource* online_;
    /// Each cache is emptied when it reaches this many entries: untrusted input (every login's
    /// certificate) cannot grow them without bound.
    static constexpr std::size_t kMaxCached = 4096;
    mutable std::mutex cache_mutex_;
    /// A certificate signature checked: not verified, verified, or a GOST one verified in this byte order.
    enum class Signed : std::uint8_t { No, Yes, GostNca, GostRfc4491 };
    mutable std::unordered_map<std::string, Signed> signatures_;  // child ‖ parent fingerprints
    mutable std::unordered_map<std::string, bool> crl_signatures_;  // CRL signature value ‖ signer fingerprint
    mutable std::unordered_map<std::string, std::shared_ptr<const CertFacts>> facts_;  // by DER SHA-256

    enum class Status { Good, Revoked, Hold, RevokedLater, Unknown };
    using Crls = std::span<const revocation::Crl* const>;
    using OcspResponses = std::span<const revocation::OcspResponse* const>;
    Status crl_status(const Path& path, std::size_t i, const ValidationOptions& o, Budget& budget, int nesting,
                      ValidationReport& report, Crls crls) const;
    /// From the OCSP responses: nullopt when none is usable for this certificate.
    /// The CRL's signature verifies with `signer`'s key (cached per CRL and signer).
    bool crl_signed_by(const revocation::Crl& crl, const CertFacts& signer, const EVP_PKEY* key, Budget& budget) const;
    std::optional<Status> ocsp_status(const Path& path, std::size_t i, const ValidationOptions& o, ValidationReport& report,
                                      OcspResponses responses) const;
    /// The status of path[i]: the given OCSP responses, then (with a source) OCSP fetched
    /// from its responder, then the given and fetched CRLs.
    Status status_of(const Path& path, std::size_t i, const ValidationOptions& o, Budget& budget, int nesting,
                     ValidationReport& report) const;
    struct CrlSigner {
        const CertFacts* cert = nullptr;  // null: no signer
        ossl::PKey key;                   // null for a GOST key
    };
    CrlSigner crl_signer(const revocation::Crl& crl, const Path& path, std::size_t i, const ValidationOptions& o,
                               Budget& budget, int nesting) const;
};

}  // namespace tanba::validation::detail
