// The identification server's store on SQLite: nonces and sessions (identity_repository.hpp).
#include <memory>
#include <mutex>

#include "group_commit.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_schema.hpp"
#include "tanba/store/identity_repository.hpp"

namespace tanba::store {

const std::map<std::string, std::string>& identity_migration_texts();  // generated from migrations_identity/*.sql

namespace {

const sqlite::Schema kSchema{0x54414E49 /* "TANI" */, "a tanba identification store", identity_migration_texts};

std::int64_t secs(TimePoint t) { return t.time_since_epoch().count(); }

sqlite::GroupCommitter::Hooks checkpoint_when_idle() {
    sqlite::GroupCommitter::Hooks h;
    h.when_idle = [](sqlite::Connection& c) {
        try {
            c.exec("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const Error&) {  // a busy reader: the next idle moment
        }
    };
    return h;
}

class SqliteIdentityRepository final : public IdentityRepository {
public:
    SqliteIdentityRepository(std::unique_ptr<sqlite::Connection> writer, std::unique_ptr<sqlite::Connection> reader)
        : reader_(std::move(reader)), writes_(std::move(writer), checkpoint_when_idle()) {}

    void add_nonce(ByteView hash, TimePoint expires_at) override {
        Bytes h(hash.begin(), hash.end());
        writes_.submit([h, expires_at](sqlite::Connection& c) {
            c.prepare("INSERT INTO login_nonces (hash, expires_at) VALUES ($1, $2)").bind(1, ByteView(h)).bind(2, secs(expires_at)).run();
        }).get();
    }

    NonceTaken take_nonce(ByteView hash, TimePoint now) override {
        Bytes h(hash.begin(), hash.end());
        auto found = std::make_shared<NonceTaken>(NonceTaken::Unknown);
        writes_.submit([h, now, found](sqlite::Connection& c) {
            auto st = c.prepare("DELETE FROM login_nonces WHERE hash = $1 RETURNING expires_at");
            st.bind(1, ByteView(h));
            if (st.step()) *found = st.integer(0) >= secs(now) ? NonceTaken::Taken : NonceTaken::Expired;
            while (st.step()) {
            }
        }).get();
        return *found;
    }

    void add_session(ByteView hash, const std::string& subject, TimePoint created_at, TimePoint expires_at) override {
        Bytes h(hash.begin(), hash.end());
        writes_.submit([h, subject, created_at, expires_at](sqlite::Connection& c) {
            c.prepare("INSERT INTO sessions (hash, subject, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(1, ByteView(h))
                .bind(2, std::string_view(subject))
                .bind(3, secs(created_at))
                .bind(4, secs(expires_at))
                .run();
        }).get();
    }

    std::optional<std::string> find_session(ByteView hash, TimePoint now) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT subject FROM sessions WHERE hash = $1 AND expires_at >= $2");
        st.bind(1, hash).bind(2, secs(now));
        if (!st.step()) return std::nullopt;
        return st.text(0);
    }

    bool remove_session(ByteView hash) override {
        Bytes h(hash.begin(), hash.end());
        auto removed = std::make_shared<bool>(false);
        writes_.submit([h, removed](sqlite::Connection& c) {
            *removed = c.prepare("DELETE FROM sessions WHERE hash = $1").bind(1, ByteView(h)).run() > 0;
        }).get();
        return *removed;
    }

    std::size_t purge_expired(TimePoint now) override {
        auto n = std::make_shared<std::size_t>(0);
        writes_.submit([now, n](sqlite::Connection& c) {
            *n += static_cast<std::size_t>(c.prepare("DELETE FROM login_nonces WHERE expires_at < $1").bind(1, secs(now)).run());
            *n += static_cast<std::size_t>(c.prepare("DELETE FROM sessions WHERE expires_at < $1").bind(1, secs(now)).run());
        }).get();
        return *n;
    }

private:
    std::unique_ptr<sqlite::Connection> reader_;
    std::mutex read_mutex_;
    sqlite::GroupCommitter writes_;  // last: its thread stops first
};

}  // namespace

std::unique_ptr<IdentityRepository> open_sqlite_identity(const std::filesystem::path& file, OpenMode mode, const Clock&) {
    if (mode == OpenMode::MustExist && !std::filesystem::exists(file)) throw Error(ErrorCode::FILE_NOT_FOUND, file.string());
    auto writer = std::make_unique<sqlite::Connection>(file, mode == OpenMode::CreateIfMissing);
    if (const auto damage = sqlite::migrate(*writer, file, kSchema); !damage.empty())
        throw Error(ErrorCode::STORE_DAMAGED, file.string() + ": " + damage.front());
    auto reader = std::make_unique<sqlite::Connection>(file, false);
    sqlite::tune(*reader, sqlite::Role::Reader);
    return std::make_unique<SqliteIdentityRepository>(std::move(writer), std::move(reader));
}

}  // namespace tanba::store
