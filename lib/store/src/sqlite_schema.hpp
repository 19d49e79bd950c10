#pragma once
// Opening an SQLite store: whose file it is (PRAGMA application_id), its schema version
// (PRAGMA user_version = the number of the last applied migration) and connection settings.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sqlite_connection.hpp"

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

}  // namespace tanba::store::sqlite
