#include "sqlite_maintenance.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>

namespace tanba::store::sqlite {
namespace {

using Clock = std::chrono::steady_clock;

int stop_after_deadline(void* deadline) { return Clock::now() > *static_cast<Clock::time_point*>(deadline) ? 1 : 0; }

}  // namespace

namespace {

std::vector<std::string> check_rows(Connection& c, IntegrityDepth depth, const std::string& argument) {
    auto st = c.prepare(std::string("PRAGMA ") + (depth == IntegrityDepth::Quick ? "quick_check(" : "integrity_check(") + argument + ")");
    std::vector<std::string> out;
    while (st.step())
        if (auto line = st.text(0); line != "ok") out.push_back(line);
    // Pages that cannot be read (SQLITE_IOERR_SHORT_READ) because the log they are in is gone:
    // not damage in the database, and what to do differs.
    if (!out.empty() && out.back().find("error code=522") != std::string::npos && wal_lost(c.file()))
        throw Error(ErrorCode::STORE_WAL_MISSING, c.file().string() + "-wal, indexed by the -shm file, is gone or empty "
                                                  "(removed while the store was open?)");
    return out;
}

// When the whole-database check cannot even run (a b-tree page that is not one), each table
// with its indexes on its own: which of them is damaged.
std::vector<std::string> per_table(Connection& c, IntegrityDepth depth, const Error& whole) {
    std::vector<std::string> tables, out;
    {
        auto st = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
        while (st.step()) tables.push_back(st.text(0));
    }
    for (const auto& t : tables) {
        try {
            for (auto& line : check_rows(c, depth, "'" + t + "'")) out.push_back("table " + t + ": " + line);
        } catch (const Error& e) {
            out.push_back("table " + t + " (or one of its indexes) cannot be read: " + e.context());
        }
    }
    if (out.empty()) out.push_back(whole.context());
    return out;
}

}  // namespace

std::vector<std::string> integrity_problems(Connection& c, IntegrityDepth depth, std::size_t max,
                                            std::optional<std::chrono::milliseconds> budget) {
    Clock::time_point deadline{};
    if (budget) {
        deadline = Clock::now() + *budget;
        sqlite3_progress_handler(c.handle(), 1000, stop_after_deadline, &deadline);
    }
    struct Unhook {
        Connection& c;
        ~Unhook() { sqlite3_progress_handler(c.handle(), 0, nullptr, nullptr); }
    } unhook{c};
    try {
        return check_rows(c, depth, std::to_string(max));
    } catch (const Error& e) {
        if (budget && sqlite3_errcode(c.handle()) == SQLITE_INTERRUPT) return {};  // out of time: not checked
        if (e.code() != ErrorCode::STORE_DAMAGED) throw;
        if (depth == IntegrityDepth::Quick) return {e.context()};
        return per_table(c, depth, e);
    }
}

std::vector<std::string> duplicate_serials(Connection& c) {
    auto st = c.prepare("SELECT issuer, serial, count(*) FROM certificates NOT INDEXED GROUP BY issuer, serial HAVING count(*) > 1");
    std::vector<std::string> out;
    while (st.step()) out.push_back("serial " + st.text(1) + " of issuer " + st.text(0) + " stored " + std::to_string(st.integer(2)) + " times");
    return out;
}

WalWatch::WalWatch(const std::filesystem::path& db) : db_(db), wal_(db.string() + "-wal") {}

WalWatch::~WalWatch() {
    if (fd_ >= 0) ::close(fd_);
}

void WalWatch::arm() {
    fd_ = ::open(wal_.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat s {};
    if (fd_ >= 0 && ::fstat(fd_, &s) == 0) id_ = std::pair{s.st_dev, s.st_ino};
}

bool WalWatch::missing() const {
    if (!id_) return false;
    struct stat s {};
    return ::stat(wal_.c_str(), &s) != 0 || std::pair{s.st_dev, s.st_ino} != *id_;
}

bool WalWatch::index_is_ours() const {
    // The log's salts: big-endian at bytes 16-23 of its header; the index keeps a copy, in
    // native order, at bytes 32-39 of the -shm file (SQLite's WAL format, fileformat2.html).
    unsigned char header[8];
    if (fd_ < 0 || ::pread(fd_, header, sizeof header, 16) != static_cast<ssize_t>(sizeof header)) return false;
    const int shm = ::open((db_.string() + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
    if (shm < 0) return false;
    std::uint32_t indexed[2];
    const bool read = ::pread(shm, indexed, sizeof indexed, 32) == static_cast<ssize_t>(sizeof indexed);
    ::close(shm);
    auto be32 = [&](int i) {
        return std::uint32_t{header[i]} << 24 | std::uint32_t{header[i + 1]} << 16 | std::uint32_t{header[i + 2]} << 8 | header[i + 3];
    };
    return read && indexed[0] == be32(0) && indexed[1] == be32(4);
}

void backup_database(Connection& from, const std::filesystem::path& to) {
    if (std::filesystem::exists(to)) throw Error(ErrorCode::FILE_EXISTS, to.string());
    std::filesystem::path tmp = to;
    tmp += ".tmp" + std::to_string(std::random_device{}());
    struct Remove {
        const std::filesystem::path& p;
        ~Remove() { ::unlink(p.c_str()); }
    } remove_tmp{tmp};
    {
        Connection dest(tmp, true);  // 0600
        sqlite3_backup* b = sqlite3_backup_init(dest.handle(), "main", from.handle(), "main");
        if (!b) dest.fail(sqlite3_errcode(dest.handle()), "starting the backup");
        const int rc = sqlite3_backup_step(b, -1);  // every page in one read transaction
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) dest.fail(rc, "copying " + to.string());
        dest.exec("PRAGMA journal_mode=DELETE");  // one self-contained file, no -wal beside it
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!synced) throw Error(ErrorCode::IO_ERROR, "syncing " + to.string() + ": " + std::strerror(errno));
    if (::link(tmp.c_str(), to.c_str()) != 0) {  // never replaces a file that appeared meanwhile
        if (errno == EEXIST) throw Error(ErrorCode::FILE_EXISTS, to.string());
        throw Error(ErrorCode::IO_ERROR, "writing " + to.string() + ": " + std::strerror(errno));
    }
}

}  // namespace tanba::store::sqlite
