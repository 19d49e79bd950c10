#pragma once
// Thin RAII over the SQLite C API (the one place sqlite3.h is included).
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <unordered_map>
#include <vector>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tanba/base/bytes.hpp"
#include "tanba/base/error.hpp"

namespace tanba::store::sqlite {

class Statement;

/// After an I/O error: whether it comes from a write-ahead log removed under an open store
/// (the -shm index is there, the -wal it indexes is gone or empty).
bool wal_lost(const std::filesystem::path& db);

class Connection {
public:
    /// Opens with SQLITE_OPEN_READWRITE (| CREATE when create is set); busy timeout 10 s.
    Connection(const std::filesystem::path& file, bool create);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    void exec(std::string_view sql);
    /// A prepared statement; one prepared before for the same SQL on this connection is used
    /// again (statements go back to the connection, reset, when they are destroyed).
    Statement prepare(std::string_view sql);
    sqlite3* handle() const { return db_.get(); }
    /// Maps the last SQLite result to a tanba::Error (STORE_BUSY, STORE_CONFLICT, ...):
    /// SQLITE_CORRUPT is STORE_DAMAGED (and is passed to the damage hook first); an I/O error
    /// while the -wal file is gone (and -shm still there) is STORE_WAL_MISSING.
    [[noreturn]] void fail(int rc, const std::string& context) const;
    void on_damage(std::function<void(const Error&)> hook) { on_damage_ = std::move(hook); }
    const std::filesystem::path& file() const { return file_; }

private:
    friend class Statement;
    void recycle(std::string sql, sqlite3_stmt* stmt) noexcept;
    std::filesystem::path file_;
    std::function<void(const Error&)> on_damage_;
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;  // prepared, reset, unused
    struct Close {
        void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, Close> db_;
};

/// SQL is written with $1, $2, ... (as PostgreSQL wants). SQLite treats "$N" as a name and
/// numbers parameters in order of first appearance, so every statement must use $1, $2, ...
/// in that order; bind() takes that index.
class Statement {
public:
    Statement(Connection& conn, sqlite3_stmt* stmt, std::string sql) : conn_(&conn), stmt_(stmt, Recycle{&conn, std::move(sql)}) {}

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, ByteView blob);
    Statement& bind_null(int index);
    Statement& bind_optional(int index, const std::string& text);  // empty → NULL

    /// Steps once: true when a row is available.
    bool step();
    /// Steps to completion (for INSERT/UPDATE); returns the number of changed rows.
    int run();
    void reset();

    std::string text(int col) const;
    std::int64_t integer(int col) const;
    Bytes blob(int col) const;
    bool is_null(int col) const;

private:
    struct Recycle {
        Connection* conn;
        std::string sql;
        void operator()(sqlite3_stmt* s) noexcept { conn->recycle(std::move(sql), s); }
    };
    Connection* conn_;
    std::unique_ptr<sqlite3_stmt, Recycle> stmt_;
};

}  // namespace tanba::store::sqlite
