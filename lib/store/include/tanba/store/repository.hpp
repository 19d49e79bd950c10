#pragma once
// The CA's repository: certificates (with their DER), serial reservations and the audit log.
// Backends: SQLite (embedded default, sqlite_store.hpp); PostgreSQL later, same contract.
//
// Contract: every write is durable when the call returns (or throws). Writes are safe from
// several threads at once; backends may group concurrent writes into one transaction.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"

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
};

struct CertificateQuery {
    std::optional<std::string> issuer;
    std::optional<std::string> subject_iin;
    std::optional<std::string> subject_bin;
    std::optional<CertStatus> status;
    int limit = 10000;
};

class CaRepository {
public:
    virtual ~CaRepository() = default;

    /// Stores the pre-certificate row (status Reserved). Throws STORE_CONFLICT when the
    /// (issuer, serial) pair exists — the caller draws a new serial.
    virtual void reserve(const CertificateRecord& record) = 0;
    /// Records the signed certificate for a reserved serial, and its audit entry, atomically.
    /// Throws STORE_NOT_FOUND when the serial is not reserved.
    virtual void complete(const std::string& issuer, const std::string& serial, ByteView der) = 0;
    /// Marks a reservation failed (signing did not happen), with the reason in the audit log.
    virtual void mark_failed(const std::string& issuer, const std::string& serial, const std::string& reason) = 0;

    virtual std::optional<CertificateRecord> find(const std::string& issuer, const std::string& serial) = 0;
    /// Newest first.
    virtual std::vector<CertificateRecord> list(const CertificateQuery& query) = 0;
    /// Number of audit entries (for checks and tests).
    virtual std::int64_t audit_count() = 0;
};

}  // namespace tanba::store
