#pragma once
// SQLite backend: one file, WAL, synchronous=FULL (durable commits), numbered migrations.
// Concurrent writers are grouped: one writer thread commits everything queued in a single
// transaction, each write in its own savepoint, and wakes each caller after the commit.
#include <filesystem>
#include <memory>

#include "tanba/base/clock.hpp"
#include "tanba/store/repository.hpp"

namespace tanba::store {

enum class OpenMode { CreateIfMissing, MustExist };

/// Opens (and migrates) the database. Throws STORE_OPEN_FAILED, STORE_NOT_A_DATABASE (not
/// SQLite, or SQLite written by something else), STORE_SCHEMA_TOO_NEW, FILE_NOT_FOUND.
std::unique_ptr<CaRepository> open_sqlite(const std::filesystem::path& file, OpenMode mode, const Clock& clock);

/// The schema version this program writes.
int sqlite_schema_version();

}  // namespace tanba::store
