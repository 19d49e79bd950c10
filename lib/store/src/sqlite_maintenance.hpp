#pragma once
// Checks and copies of an SQLite store: its integrity (quick, time-bounded at open; full for
// `tanba ca check`), a missing write-ahead log, and online backups.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_connection.hpp"

namespace tanba::store::sqlite {

enum class IntegrityDepth { Quick, Full };

/// What SQLite's quick_check / integrity_check report (empty: none), at most `max` lines.
/// With a budget, a check that runs longer is stopped and reports nothing (not checked).
std::vector<std::string> integrity_problems(Connection& c, IntegrityDepth depth, std::size_t max,
                                            std::optional<std::chrono::milliseconds> budget);

/// Serials stored twice for one issuer, found by a scan of the table (not the index that
/// should prevent them).
std::vector<std::string> duplicate_serials(Connection& c);

/// The write-ahead log beside a database: which file it is, to notice when it is removed or
/// replaced under an open connection (what it held would be lost). Keeps the file open.
class WalWatch {
public:
    explicit WalWatch(const std::filesystem::path& db);
    ~WalWatch();
    WalWatch(const WalWatch&) = delete;
    WalWatch& operator=(const WalWatch&) = delete;
    /// Remembers the current -wal file (call once the database is open in WAL mode).
    void arm();
    /// True when the -wal file remembered by arm() is gone or another file.
    bool missing() const;
    /// True when the -shm index still describes the remembered (now removed) log — its frames
    /// may not all be in the database, and a checkpoint through the open connection saves them.
    /// False when another process has since restarted the log (which SQLite does only once
    /// every frame is in the database).
    bool index_is_ours() const;
    const std::filesystem::path& path() const { return wal_; }

private:
    std::filesystem::path db_, wal_;
    int fd_ = -1;
    std::optional<std::pair<dev_t, ino_t>> id_;
};

/// A consistent copy of the whole database (one read transaction: writers may go on) into a
/// new file `to` (mode 0600; FILE_EXISTS when it exists), written beside it and moved into
/// place once synced.
void backup_database(Connection& from, const std::filesystem::path& to);

}  // namespace tanba::store::sqlite
