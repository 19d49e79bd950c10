#pragma once
// A certification authority kept in a directory:
//   ca.toml     configuration (id, name, key location, base URL)      — docs/ca-directory.md
//   ca.pem      the CA's certificate;  chain.pem  it and its issuers up to the root
//   ca.key      the CA's key, PKCS#8 encrypted at rest (unless created unencrypted)
//   ca.db       SQLite repository: every certificate issued, reservations, audit log
//   profiles/   certificate profiles (TOML); add a file to add a profile
//
// Issuance pipeline (ARCHITECTURE.md): profile → proof of possession → key policy → subject
// rules → TBS → lints → serial reserved in the store (unique) → sign → certificate stored.
// Nothing is signed that the store does not know.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/revocation/ocsp_writer.hpp"
#include "tanba/store/repository.hpp"
#include "tanba/x509/builder.hpp"
#include "tanba/x509/csr.hpp"

namespace tanba::ca {

struct CaConfig {
    std::string id;             // short ASCII name used in URLs: <base_url>/crl/<id>.crl
    std::string name;           // the CA's common name
    std::string key;            // key file (relative to the directory) or, later, a pkcs11: URI
    std::string base_url;       // where the CA's CRL, OCSP and certificate are served
    std::string parent;         // parent CA directory (informational), empty for a root
    /// Where tanba-server reads the key's passphrase (relative to the directory), optional;
    /// the operator adds it to ca.toml, tanba never writes it.
    std::string pass_file;

    x509::RevocationUrls urls() const;
};

struct CreateOptions {
    std::filesystem::path dir;
    std::string name;
    std::string organization;
    std::string country = "KZ";
    std::string base_url = "http://localhost:8080";
    /// Profile for the CA's own certificate; defaults to root-ca / issuing-ca.
    std::string profile;
    /// Where the key lives when it is not a file in the directory (a pkcs11: URI, never with
    /// a PIN); then no ca.key is written and ca.toml names this reference.
    std::string key_ref{};
};

enum class CrlKind { Full, Delta };

struct CrlOptions {
    CrlKind kind = CrlKind::Full;
    std::chrono::seconds validity = std::chrono::hours(24);   // nextUpdate - thisUpdate
    std::function<void(std::size_t)> progress;                 // every 100,000 entries, and at the end
};

struct OcspOptions {
    std::chrono::seconds validity = std::chrono::hours(1);    // nextUpdate - thisUpdate
    /// A delegated responder (certificate from the ocsp-signer profile, and its key); the CA
    /// signs when absent.
    const x509::Certificate* responder_cert = nullptr;
    const keys::Signer* responder_key = nullptr;
};

struct IssueOptions {
    /// Chosen by the requester (1–128 characters of A–Z a–z 0–9 . _ : -), unique per CA: a
    /// request repeated with the same key (after a timeout, a crash, a lost answer) returns
    /// the certificate the first one issued rather than a second; the same key with another
    /// profile or CSR is CA_IDEMPOTENCY_CONFLICT, and one whose first request never completed
    /// is CA_REQUEST_INCOMPLETE. Empty: every request issues.
    std::string idempotency_key;
};

/// What `tanba ca check` found: the store's own check, then each stored certificate (DER
/// decodes, its serial is the row's, this CA's key signed it).
struct CheckReport {
    std::size_t certificates = 0;       // rows with a certificate, checked
    std::vector<std::string> problems;  // empty: all is well
};

class CertificateAuthority;
namespace detail {
struct IssuerContext;
}
/// The outcome of one request in a batch: a certificate, or the error that stopped it.
struct IssueResult {
    std::optional<x509::Certificate> certificate;
    std::optional<Error> error;
};

/// Loads a key for a CA: given the key reference from ca.toml (resolved against the
/// directory), returns a Signer. The front end supplies it (it knows how to ask for
/// passphrases and, later, PINs).
using KeyLoader = std::function<std::unique_ptr<keys::Signer>(const std::filesystem::path& dir, const std::string& key_ref)>;

/// Issues certificates. Safe to call issue() from several threads at once.
/// Where an issued certificate stands at a time: Pending (serial reserved, never completed),
/// Valid, Expired (past notAfter, never revoked), Revoked, Hold (certificateHold).
enum class CertificateState { Pending, Valid, Expired, Revoked, Hold };
std::string_view to_string(CertificateState s);  // "pending", "valid", "expired", "revoked", "hold"
std::optional<CertificateState> certificate_state_from_string(std::string_view s);
CertificateState state_of(const store::CertificateRecord& r, TimePoint now);

struct ListedCertificate {
    store::CertificateRecord record;
    CertificateState state;
};

class CertificateAuthority {
public:
    /// Opens an existing CA directory (key not loaded). Throws CA_NOT_FOUND, CONFIG_INVALID,
    /// STORE_* errors, PROFILE_INVALID.
    static CertificateAuthority open(const std::filesystem::path& dir, const Clock& clock);

    /// Creates a new CA in an empty or absent directory: a self-signed root when parent is
    /// null, otherwise a CA whose certificate the (unlocked) parent issues. key_pem is the
    /// key as it will be written to ca.key (mode 0600). Throws CA_EXISTS, CA_PARENT_INVALID.
    static CertificateAuthority create(const CreateOptions& options, std::unique_ptr<keys::Signer> key,
                                       const std::string& key_pem, CertificateAuthority* parent, const Clock& clock);

    CertificateAuthority(CertificateAuthority&&) noexcept;
    ~CertificateAuthority();

    /// Loads the CA key with the loader and checks it matches the certificate (KEY_MISMATCH).
    void unlock(const KeyLoader& loader);
    bool unlocked() const;
    /// The CA's key (requires unlock(): CA_LOCKED otherwise).
    const keys::Signer& signer() const;

    const CaConfig& config() const;
    const std::filesystem::path& dir() const;
    const x509::Certificate& certificate() const;
    /// This CA's certificate and its issuers up to the root.
    const std::vector<x509::Certificate>& chain() const;
    const x509::ProfileSet& profiles() const;
    /// Hex key identifier of this CA (the issuer column in the store).
    const std::string& issuer_id() const;
    store::CaRepository& repository();

    /// Runs the issuance pipeline on a CSR with a profile. Requires unlock(). Throws the
    /// request's error (CSR_*, IDENTIFIER_INVALID, LINT_FAILED, ...), and those of
    /// IssueOptions::idempotency_key.
    x509::Certificate issue(const std::string& profile, const x509::CertificateRequest& csr, const IssueOptions& options = {});
    /// The same for many requests at once: their serials are reserved in one commit and their
    /// certificates stored in another, so throughput is not bounded by commit latency. Each
    /// certificate is durably stored before this returns; each request fails on its own.
    std::vector<IssueResult> issue_batch(const std::string& profile, std::span<const x509::CertificateRequest> csrs);

    std::vector<store::CertificateRecord> list(const store::CertificateQuery& query);
    /// The same, each with its state now, optionally only those in `only`.
    std::vector<ListedCertificate> list(const store::CertificateQuery& query, std::optional<CertificateState> only);
    /// One certificate this CA issued (hex serial, any case). Throws STORE_NOT_FOUND.
    ListedCertificate find(const std::string& serial);

    /// Revokes a certificate this CA issued (hex serial, any case). certificateHold puts it on
    /// hold; returns it as it now stands. Throws STORE_NOT_FOUND, CA_ALREADY_REVOKED,
    /// INVALID_ARGUMENT (removeFromCRL).
    ListedCertificate revoke(const std::string& serial, revocation::Reason reason, std::optional<TimePoint> invalidity_date = {});
    /// Releases a certificate from hold (a removeFromCRL entry in the next delta CRL).
    void unhold(const std::string& serial);
    /// Signs and records the next CRL (requires unlock()): a full CRL of every revoked
    /// certificate, or a delta CRL of the changes since the newest full CRL (CRL_BASE_MISSING
    /// when there is none). `progress` is called with the entry count as entries are written.
    Bytes crl(const CrlOptions& options);
    /// The CRL schedule, for whoever serves this CA's CRLs: signs a full CRL when there is
    /// none or the newest is past half its validity, then a delta CRL on the newest full one
    /// when the newest CRL is not such a delta, is past half its validity, or revocations
    /// were recorded since it. Returns what it issued, in order. Requires unlock().
    std::vector<CrlKind> issue_due_crls(std::chrono::seconds validity);
    /// True when the CertID names this CA as the issuer (SHA-1, SHA-256, SHA-384 or SHA-512).
    bool covers(const revocation::CertIdInfo& id) const;
    /// What the store says of one of this CA's serials (big-endian magnitude): Good when
    /// issued and not revoked, Revoked (with time and reason; also on hold), Unknown when this
    /// CA did not issue it. One store query.
    revocation::CertificateStatus status(ByteView serial);
    /// The OCSP response (RFC 6960) to a DER request: good / revoked / unknown for each of
    /// this CA's certificates asked about, the nonce echoed; `unauthorized` when none is this
    /// CA's, `malformedRequest` for undecodable or oversized requests. Requires unlock().
    /// Throws KEY_MISMATCH when the responder key does not belong to the responder certificate.
    Bytes ocsp_response(ByteView request, const OcspOptions& options);

    /// The full check of the CA's store (slow on a large one; reads only).
    CheckReport check();
    /// Whether the CA can work now: nullopt, or why not — the store's health (STORE_DAMAGED,
    /// STORE_WAL_MISSING, ...), or CA_CERT_NOT_VALID when the CA certificate is expired or
    /// not yet valid.
    std::optional<Error> health();
    /// Throws CA_CERT_NOT_VALID when the CA certificate is expired or not yet valid: issue(),
    /// crl() and the OCSP writer refuse to sign then.
    void require_valid_now() const;

private:
    struct State;
    explicit CertificateAuthority(std::unique_ptr<State> state);
    detail::IssuerContext issuer_context(const std::string& profile);
    std::unique_ptr<State> s_;
};

}  // namespace tanba::ca
