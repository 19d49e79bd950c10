#include "sqlite_connection.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tanba::store::sqlite {

Connection::Connection(const std::filesystem::path& file, bool create) : file_(file) {
    sqlite3* raw = nullptr;
    // NOMUTEX: each connection is used by one thread at a time (the writer thread, or readers
    // under the repository's lock), so SQLite's own per-call mutex is not needed.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    // A new store is created 0600 whatever the umask; SQLite gives its -wal and -shm files
    // the database file's mode.
    if (create) {
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::fchmod(fd, 0600);
            ::close(fd);
        }
    }
    int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) {
        std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        throw Error(ErrorCode::STORE_OPEN_FAILED, file.string() + ": " + msg);
    }
    sqlite3_busy_timeout(raw, 10000);
    sqlite3_extended_result_codes(raw, 1);
}

bool wal_lost(const std::filesystem::path& db) {
    std::error_code ec;
    const auto wal = db.string() + "-wal";
    const bool no_wal = !std::filesystem::exists(wal, ec) || std::filesystem::file_size(wal, ec) == 0;
    return no_wal && std::filesystem::exists(db.string() + "-shm", ec);
}

void Connection::fail(int rc, const std::string& context) const {
    std::string msg = context + ": " + sqlite3_errmsg(db_.get());
    switch (rc & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: throw Error(ErrorCode::STORE_BUSY, msg);
        case SQLITE_CONSTRAINT: throw Error(ErrorCode::STORE_CONFLICT, msg);
        case SQLITE_NOTADB: throw Error(ErrorCode::STORE_NOT_A_DATABASE, msg);
        case SQLITE_CORRUPT: {
            Error e(ErrorCode::STORE_DAMAGED, msg);
            if (on_damage_) on_damage_(e);
            throw e;
        }
        case SQLITE_IOERR:
            if (wal_lost(file_))
                throw Error(ErrorCode::STORE_WAL_MISSING, msg + ": the -shm file indexes a write-ahead log that " + file_.string() +
                                                              "-wal no longer holds (removed while the store was open?)");
            throw Error(ErrorCode::STORE_FAILURE, msg);
        case SQLITE_CANTOPEN: throw Error(ErrorCode::STORE_OPEN_FAILED, msg);
        default: throw Error(ErrorCode::STORE_FAILURE, msg);
    }
}

void Connection::exec(std::string_view sql) {
    std::string s(sql);
    int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "executing SQL");
}

Connection::~Connection() {
    for (auto& [sql, stmts] : idle_)
        for (auto* s : stmts) sqlite3_finalize(s);
}

Statement Connection::prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = idle_.find(key); it != idle_.end() && !it->second.empty()) {
        sqlite3_stmt* stmt = it->second.back();
        it->second.pop_back();
        return Statement(*this, stmt, std::move(key));
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) fail(rc, "preparing SQL");
    return Statement(*this, stmt, std::move(key));
}

void Connection::recycle(std::string sql, sqlite3_stmt* stmt) noexcept {
    constexpr std::size_t kIdlePerStatement = 4;
    if (!stmt) return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    try {
        auto& idle = idle_[std::move(sql)];
        if (idle.size() < kIdlePerStatement) {
            idle.push_back(stmt);
            return;
        }
    } catch (...) {  // no memory for the cache: finalized instead
    }
    sqlite3_finalize(stmt);
}

Statement& Statement::bind(int i, std::string_view text) {
    int rc = sqlite3_bind_text(stmt_.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) conn_->fail(rc, "binding");
    return *this;
}

Statement& Statement::bind(int i, std::int64_t v) {
    int rc = sqlite3_bind_int64(stmt_.get(), i, v);
    if (rc != SQLITE_OK) conn_->fail(rc, "binding");
    return *this;
}

Statement& Statement::bind(int i, ByteView blob) {
    int rc = sqlite3_bind_blob(stmt_.get(), i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) conn_->fail(rc, "binding");
    return *this;
}

Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(stmt_.get(), i);
    return *this;
}

Statement& Statement::bind_optional(int i, const std::string& text) {
    return text.empty() ? bind_null(i) : bind(i, std::string_view(text));
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    conn_->fail(rc, "running SQL");
}

int Statement::run() {
    while (step()) {
    }
    return sqlite3_changes(conn_->handle());
}

void Statement::reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::text(int col) const {
    auto p = sqlite3_column_text(stmt_.get(), col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
             : std::string();
}

std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

Bytes Statement::blob(int col) const {
    auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
    return p ? Bytes(p, p + sqlite3_column_bytes(stmt_.get(), col)) : Bytes();
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

}  // namespace tanba::store::sqlite
