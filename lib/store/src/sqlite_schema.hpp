#pragma once
// Opening an SQLite store: whose file it is (PRAGMA application_id), its schema version
// (PRAGMA user_version = the number of the last applied migration) and connection settings.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sqlite_connection.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/store/sqlite_store.hpp"

namespace tanba::store::sqlite {

struct Schema {
    std::int64_t application_id;
    const char* what;  // "a tanba CA store": for the error when the file is something else
    const std::map<std::string, std::string>& (*migrations)();  // name -> SQL, applied in name order
};

/// Checks the file is this schema's (STORE_NOT_A_DATABASE, STORE_SCHEMA_TOO_NEW), runs the
/// time-bounded quick check, and — unless that found damage, which it returns — sets WAL,
/// synchronous=FULL and the writer's settings and applies the missing migrations, each in
/// its own transaction.
std::vector<std::string> migrate(Connection& c, const std::filesystem::path& file, const Schema& schema);

enum class Role { Writer, Reader };
/// Per-connection settings (cache, mmap for the writer only, checkpoint interval).
void tune(Connection& c, Role role);

/// A store's two connections: the writer (migrated, unless the quick check found damage,
/// which `damage` holds) and the reader. Throws FILE_NOT_FOUND (MustExist) and as migrate().
struct OpenedStore {
    std::unique_ptr<Connection> writer, reader;
    std::vector<std::string> damage;
};
OpenedStore open_store(const std::filesystem::path& file, OpenMode mode, const Schema& schema);

/// What every store does when its writer is idle: fold the WAL into the database (PASSIVE;
/// a busy reader only postpones it to the next idle moment).
void checkpoint_passive(Connection& c);

/// Times are stored as Unix seconds.
inline std::int64_t seconds_of(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint time_at(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

}  // namespace tanba::store::sqlite
