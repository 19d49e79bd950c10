#pragma once
// The identification server's store: login nonces and sessions (the registry of persons,
// legal entities and the audit log join it). Backends: SQLite (sqlite_identity_store.hpp);
// PostgreSQL later, on the same contract.
//
// Contract: every write is durable when the call returns; writes are safe from several
// threads and processes at once. Nonces and sessions are given as hashes: the store never
// sees what a client holds.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/store/sqlite_store.hpp"

namespace tanba::store {

/// What taking a nonce found: it was there and in time (now gone), there but expired (now
/// gone too), or not there (never issued, or used already).
enum class NonceTaken { Taken, Expired, Unknown };

class IdentityRepository {
public:
    virtual ~IdentityRepository() = default;

    /// Records an issued nonce. Throws STORE_CONFLICT if the hash exists.
    virtual void add_nonce(ByteView hash, TimePoint expires_at) = 0;
    /// Removes the nonce, whatever its state (single use: a second take is Unknown).
    virtual NonceTaken take_nonce(ByteView hash, TimePoint now) = 0;

    virtual void add_session(ByteView hash, const std::string& subject, TimePoint created_at, TimePoint expires_at) = 0;
    /// The subject of a session that exists and has not expired at `now`.
    virtual std::optional<std::string> find_session(ByteView hash, TimePoint now) = 0;
    /// True when the session existed (it is gone now).
    virtual bool remove_session(ByteView hash) = 0;
    /// Removes nonces and sessions expired before `now`; returns how many.
    virtual std::size_t purge_expired(TimePoint now) = 0;
};

/// Opens (and migrates) the identification server's SQLite store. Throws as open_sqlite.
std::unique_ptr<IdentityRepository> open_sqlite_identity(const std::filesystem::path& file, OpenMode mode, const Clock& clock);

}  // namespace tanba::store
