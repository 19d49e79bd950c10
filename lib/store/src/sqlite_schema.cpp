// Opening an SQLite store: its schema (numbered migrations) and per-connection settings.
#include "sqlite_schema.hpp"

#include "sqlite_maintenance.hpp"

namespace tanba::store::sqlite {

namespace {
std::int64_t pragma(Connection& c, const char* name) {
    auto st = c.prepare(std::string("PRAGMA ") + name);
    return st.step() ? st.integer(0) : 0;
}
}  // namespace

// Per-connection settings: a larger page cache, fewer, larger WAL checkpoints (the indexes on
// IIN, BIN and serial outgrow SQLite's default 2 MiB cache), and memory-mapped reads for the
// writer's index lookups. Not for the reader: it scans whole tables (CRLs of a million
// entries, listings), and every mapped page it touches would stay in the process's memory.
void tune(Connection& c, Role role) {
    c.exec("PRAGMA cache_size=-65536");
    c.exec(role == Role::Writer ? "PRAGMA mmap_size=268435456" : "PRAGMA mmap_size=0");
    c.exec("PRAGMA temp_store=MEMORY");
    c.exec("PRAGMA wal_autocheckpoint=16384");
}

constexpr std::chrono::milliseconds kQuickCheckBudget{1000};

// Schema version = number of the last applied migration (PRAGMA user_version). Returns what
// the quick check at open found (then nothing is migrated: a damaged store is not written).
std::vector<std::string> migrate(Connection& c, const std::filesystem::path& file, const Schema& schema) {
    // The first read of a file that is not SQLite fails here with SQLITE_NOTADB.
    std::int64_t app = pragma(c, "application_id");
    std::int64_t version = pragma(c, "user_version");
    std::int64_t tables = 0;
    {
        auto st = c.prepare("SELECT count(*) FROM sqlite_master");
        if (st.step()) tables = st.integer(0);
    }
    if (app != schema.application_id && (app != 0 || tables != 0))
        throw Error(ErrorCode::STORE_NOT_A_DATABASE, file.string() + " is not " + schema.what);
    const auto& migrations = schema.migrations();
    if (version > static_cast<std::int64_t>(migrations.size()))
        throw Error(ErrorCode::STORE_SCHEMA_TOO_NEW, file.string() + " has schema " + std::to_string(version));
    auto damage = integrity_problems(c, IntegrityDepth::Quick, 5, kQuickCheckBudget);
    if (!damage.empty()) return damage;
    c.exec("PRAGMA journal_mode=WAL");
    c.exec("PRAGMA synchronous=FULL");
    tune(c, Role::Writer);
    std::int64_t n = 0;
    for (const auto& [name, sql] : migrations) {  // names sort as their numbers: 0001_…, 0002_…
        if (++n <= version) continue;
        c.exec("BEGIN IMMEDIATE");
        try {
            c.exec(sql);
            c.exec("PRAGMA application_id=" + std::to_string(schema.application_id));
            c.exec("PRAGMA user_version=" + std::to_string(n));
            c.exec("COMMIT");
        } catch (...) {
            c.exec("ROLLBACK");
            throw;
        }
    }
    return {};
}


OpenedStore open_store(const std::filesystem::path& file, OpenMode mode, const Schema& schema) {
    if (mode == OpenMode::MustExist && !std::filesystem::exists(file)) throw Error(ErrorCode::FILE_NOT_FOUND, file.string());
    OpenedStore s;
    s.writer = std::make_unique<Connection>(file, mode == OpenMode::CreateIfMissing);
    s.damage = migrate(*s.writer, file, schema);
    s.reader = std::make_unique<Connection>(file, false);
    tune(*s.reader, Role::Reader);
    return s;
}

void checkpoint_passive(Connection& c) {
    try {
        c.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const Error&) {  // a busy reader: the next idle moment
    }
}

}  // namespace tanba::store::sqlite
