#pragma once
// The CA's repository: certificates (with their DER), serial reservations, revocation state
// and events, issued CRLs and the audit log. Backends: SQLite (embedded default,
// sqlite_store.hpp); PostgreSQL next, on the same contract and its test suite
// (tests/unit/test_store_contract.cpp).
//
// Contract: every write is durable when the call returns (or throws), and a write that throws
// has written nothing. Writes are safe from several threads at once; backends may group
// concurrent writes into one transaction. The store keeps rows and enforces uniqueness
// (issuer, serial) and the conditions the caller states; what the rows mean (which revocation
// reasons exist, what may follow what) is lib/ca's business: reasons are opaque integers here.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/base/error.hpp"

namespace tanba::store {

/// Reserved: serial taken, nothing signed yet. Issued: DER stored. Failed: signing failed
/// after the reservation (the serial is never reused).
enum class CertStatus { Reserved, Issued, Failed };
std::string_view to_string(CertStatus s);

struct CertificateRecord {
    std::string issuer;        // issuing CA's key identifier (hex); self-issued roots use their own
    std::string serial;        // lower-case hex, no leading zero bytes
    CertStatus status = CertStatus::Reserved;
    std::string profile;
    std::string subject;       // RFC 2253 text
    std::string subject_iin;   // digits or empty
    std::string subject_bin;   // digits or empty
    TimePoint not_before{};
    TimePoint not_after{};
    TimePoint created_at{};
    Bytes der;                 // empty until issued
    std::optional<TimePoint> revoked_at;   // revoked or on hold
    int revocation_reason = 0;
    /// Idempotent issuance: the key the requester chose (unique per issuer; empty: none) and
    /// the digest of what it asked for, so that a repeat can be told from a different request.
    std::string request_key;
    Bytes request_digest;
};

struct CertificateQuery {
    std::optional<std::string> issuer;
    std::optional<std::string> subject_iin;
    std::optional<std::string> subject_bin;
    std::optional<CertStatus> status;
    int limit = 10000;
};

/// A revocation state or event: a certificate revoked (or on hold), or an event such as a
/// release from hold, with the CRL reason code lib/ca chose.
struct RevocationRecord {
    std::string serial;
    TimePoint at{};
    int reason = 0;                       // RFC 5280 CRLReason
    std::optional<TimePoint> invalidity_date;
};

enum class CrlSelect { Newest, NewestFull };
enum class CrlFields { All, WithoutDer };

/// A CRL the CA issued.
struct CrlRecord {
    std::int64_t number = 0;
    TimePoint this_update{}, next_update{};
    std::optional<std::int64_t> base_number;  // set for a delta CRL
    std::int64_t last_event = 0;              // revocation events it covers (ids up to this)
    Bytes der;
};

/// A change of an issued certificate's revocation state, and the event it leaves.
struct RevocationChange {
    std::string serial;
    /// The change applies only while the row's reason is one of these (nullopt: not revoked);
    /// the state the caller read, so that two changes cannot both apply.
    std::vector<std::optional<int>> allowed_from;
    /// The new state: revoked as recorded here, or (nullopt) not revoked.
    std::optional<RevocationRecord> state;
    /// Appended to the issuer's event log (delta CRLs and OCSP caches follow it).
    RevocationRecord event;
};

/// The audit entry that accompanies a change.
struct AuditNote {
    std::string action;   // e.g. "revoked", "hold", "unhold"
    std::string serial;   // the certificate it names (the first, for many)
    std::string detail;
};

/// The end of a reservation: the signed certificate, or why signing failed.
struct Completion {
    std::string issuer;
    std::string serial;
    Bytes der;            // the certificate; empty when signing failed
    std::string failure;  // reason, when der is empty
};

class CaRepository {
public:
    virtual ~CaRepository() = default;

    using ReserveOutcome = std::vector<std::optional<ErrorCode>>;

    /// Stores pre-certificate rows (status Reserved) in one durable commit. Per record: nullopt
    /// when reserved, STORE_CONFLICT when the (issuer, serial) pair exists — the caller draws a
    /// new serial — or the (issuer, request_key) pair does (find_by_request_key tells which). Other failures throw (from get()) for the whole batch. The future is ready
    /// once the commit is durable; the caller may work meanwhile.
    virtual std::future<ReserveOutcome> reserve_all_async(std::vector<CertificateRecord> records) = 0;
    /// Records signed certificates (status Issued) or failures (status Failed; the serial is
    /// never reused) in one durable commit, with one audit entry for the issued certificates
    /// and one per failure. Throws (from get())
    /// STORE_NOT_FOUND, nothing written, when a serial is not reserved.
    virtual std::future<void> finish_all_async(std::vector<Completion> completions) = 0;

    /// Blocking forms of the above.
    ReserveOutcome reserve_all(std::span<const CertificateRecord> records);
    void finish_all(std::span<const Completion> completions);

    virtual std::optional<CertificateRecord> find(const std::string& issuer, const std::string& serial) = 0;
    /// The certificate (in any status) reserved with this idempotency key, if any.
    virtual std::optional<CertificateRecord> find_by_request_key(const std::string& issuer, const std::string& key) = 0;
    /// Newest first.
    virtual std::vector<CertificateRecord> list(const CertificateQuery& query) = 0;
    /// Number of audit entries: one per commit of issued certificates, one per failed serial.
    virtual std::int64_t audit_count() = 0;

    /// Applies every change, with its event, and one audit entry, in one durable commit — or
    /// nothing: STORE_NOT_FOUND (naming the serial) when a serial is not an issued certificate
    /// of the issuer, STORE_CONFLICT (naming the serial) when a row's reason is not one of its
    /// change's allowed_from.
    virtual void change_revocations(const std::string& issuer, std::span<const RevocationChange> changes,
                                    const AuditNote& audit) = 0;
    /// Calls `each` for every currently revoked certificate of the issuer (streamed).
    virtual void for_each_revoked(const std::string& issuer, const std::function<void(const RevocationRecord&)>& each) = 0;
    /// Revocation events after event id `after` (latest per serial), and the last event id.
    virtual std::vector<RevocationRecord> events_after(const std::string& issuer, std::int64_t after, std::int64_t& last) = 0;
    virtual std::int64_t last_event(const std::string& issuer) = 0;
    virtual void record_crl(const std::string& issuer, const CrlRecord& crl) = 0;
    /// The newest CRL (or the newest full CRL), if any; without its DER when only the numbers
    /// are wanted (a large CRL is megabytes).
    virtual std::optional<CrlRecord> latest_crl(const std::string& issuer, CrlSelect which, CrlFields fields = CrlFields::All) = 0;

    /// Whether the store can answer and be written now: nullopt, or the error every write
    /// would get — STORE_DAMAGED (the quick check at open failed, or damage was met since;
    /// reads may still work), STORE_WAL_MISSING, or the failure of a probing read.
    virtual std::optional<Error> health() = 0;
    /// The store's own full check (every page, index and constraint; a table scan for
    /// duplicate serials): what is wrong, or nothing. Slow on a large store.
    virtual std::vector<std::string> check_integrity() = 0;
    /// Every certificate row, in issuance order (streamed).
    virtual void for_each_certificate(const std::function<void(const CertificateRecord&)>& each) = 0;
    /// A consistent copy of the whole store into a new file (FILE_EXISTS if it exists), made
    /// while writers go on; the copy opens as a store on its own.
    virtual void backup(const std::filesystem::path& to) = 0;

    /// One-record forms of the above; reserve throws STORE_CONFLICT.
    void reserve(const CertificateRecord& record);
    void complete(const std::string& issuer, const std::string& serial, ByteView der);
    void mark_failed(const std::string& issuer, const std::string& serial, const std::string& reason);
};

}  // namespace tanba::store
