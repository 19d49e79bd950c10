// The identification server's store on SQLite: nonces, sessions, persons, operator roles and
// the hash-chained audit log (identity_repository.hpp).
#include <array>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>

#include "group_commit.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_oidc_store.hpp"
#include "sqlite_schema.hpp"
#include "tanba/store/identity_repository.hpp"

namespace tanba::store {

namespace sqlite {
// Appends an audit entry inside the current transaction: seq and prev_hash from the last row.
void append_audit(Connection& c, AuditEntry e, const AuditSeal& seal) {
    auto last = c.prepare("SELECT seq, hash FROM registry_audit ORDER BY seq DESC LIMIT 1");
    if (last.step()) {
        e.seq = last.integer(0) + 1;
        e.prev_hash = last.blob(1);
    } else {
        e.seq = 1;
        e.prev_hash = Bytes(32, 0);
    }
    e.hash = seal(e);
    c.prepare("INSERT INTO registry_audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(1, e.seq)
        .bind(2, seconds_of(e.at))
        .bind(3, std::string_view(e.actor))
        .bind(4, std::string_view(e.action))
        .bind(5, std::string_view(e.subject))
        .bind(6, std::string_view(e.detail))
        .bind(7, ByteView(e.prev_hash))
        .bind(8, ByteView(e.hash))
        .run();
}
}  // namespace sqlite

const std::map<std::string, std::string>& identity_migration_texts();  // generated from migrations_identity/*.sql

namespace {

const sqlite::Schema kSchema{0x54414E49 /* "TANI" */, "a tanba identification store", identity_migration_texts};

using sqlite::seconds_of;
using sqlite::time_at;

constexpr const char* kPersonColumns =
    "iin, residency, status, doc_type, doc_number, doc_country, doc_expiry, surname, given_name, patronymic, surname_latin, "
    "given_name_latin, birth_date, sex, citizenship, contact, enrolled_by, approved_by, created_at, updated_at";

// The text columns of kPersonColumns, in order (then created_at, updated_at).
template <class P>
auto person_texts(P& p) {
    return std::array{&p.iin, &p.residency, &p.status, &p.doc_type, &p.doc_number, &p.doc_country, &p.doc_expiry,
                      &p.surname, &p.given_name, &p.patronymic, &p.surname_latin, &p.given_name_latin, &p.birth_date,
                      &p.sex, &p.citizenship, &p.contact, &p.enrolled_by, &p.approved_by};
}
constexpr int kPersonTexts = 18;

PersonRecord person_row(sqlite::Statement& st) {
    PersonRecord p;
    for (int i = 0; auto* field : person_texts(p)) *field = st.text(i++);
    p.created_at = time_at(st.integer(kPersonTexts));
    p.updated_at = time_at(st.integer(kPersonTexts + 1));
    return p;
}

constexpr const char* kAuditColumns = "seq, at, actor, action, subject, detail, prev_hash, hash";

AuditEntry audit_row(sqlite::Statement& st) {
    return {st.integer(0), time_at(st.integer(1)), st.text(2), st.text(3), st.text(4), st.text(5), st.blob(6), st.blob(7)};
}

sqlite::GroupCommitter::Hooks checkpoint_when_idle() {
    sqlite::GroupCommitter::Hooks h;
    h.when_idle = sqlite::checkpoint_passive;
    return h;
}

// Records a nonce as used: Already when it was.
NonceSpent spend(sqlite::Connection& c, const Bytes& hash, TimePoint expires_at) {
    const auto n = c.prepare("INSERT INTO login_nonces (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING")
                       .bind(1, ByteView(hash))
                       .bind(2, seconds_of(expires_at))
                       .run();
    return n > 0 ? NonceSpent::Now : NonceSpent::Already;
}

class SqliteIdentityRepository final : public IdentityRepository {
public:
    SqliteIdentityRepository(std::unique_ptr<sqlite::Connection> writer, std::unique_ptr<sqlite::Connection> reader)
        : reader_(std::move(reader)), writes_(std::move(writer), checkpoint_when_idle()), oidc_(writes_, *reader_, read_mutex_) {}

    OidcRepository& oidc() override { return oidc_; }

    Bytes nonce_key(ByteView candidate) override {
        const Bytes key(candidate.begin(), candidate.end());
        auto out = std::make_shared<Bytes>();
        writes_.submit([key, out](sqlite::Connection& c) {
            c.prepare("INSERT INTO login_keys (id, mac_key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING").bind(1, ByteView(key)).run();
            auto st = c.prepare("SELECT mac_key FROM login_keys WHERE id = 1");
            if (!st.step()) throw Error(ErrorCode::STORE_FAILURE, "no login key after storing one");
            *out = st.blob(0);
        }).get();
        return *out;
    }

    NonceSpent spend_nonce(ByteView hash, TimePoint expires_at) override {
        Bytes h(hash.begin(), hash.end());
        auto spent = NonceSpent::Already;
        writes_.submit([&](sqlite::Connection& c) { spent = spend(c, h, expires_at); }).get();
        return spent;
    }

    NonceSpent open_session(ByteView nonce_hash, TimePoint nonce_expires, TimePoint now, ByteView session_hash, const SessionSubject& subject,
                            TimePoint expires_at, const std::optional<AuditEntry>& entry, const AuditSeal& seal) override {
        const Bytes n(nonce_hash.begin(), nonce_hash.end()), h(session_hash.begin(), session_hash.end());
        auto found = NonceSpent::Already;
        writes_.submit([&](sqlite::Connection& c) {
            found = spend(c, n, nonce_expires);
            if (found != NonceSpent::Now) return;
            c.prepare("INSERT INTO sessions (hash, subject, created_at, expires_at, person) VALUES ($1, $2, $3, $4, $5)")
                .bind(1, ByteView(h))
                .bind(2, std::string_view(subject.identity))
                .bind(3, seconds_of(now))
                .bind(4, seconds_of(expires_at))
                .bind(5, std::string_view(subject.person))
                .run();
            if (entry) sqlite::append_audit(c, *entry, seal);
        }).get();
        return found;
    }

    std::optional<std::string> find_session(ByteView hash, TimePoint now) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT subject FROM sessions WHERE hash = $1 AND expires_at >= $2");
        st.bind(1, hash).bind(2, seconds_of(now));
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

    std::size_t end_sessions_of(const std::string& person) override {
        if (person.empty()) return 0;
        std::size_t n = 0;
        writes_.submit([&](sqlite::Connection& c) {
            c.prepare("DELETE FROM oidc_tokens WHERE session_hash IN (SELECT hash FROM sessions WHERE person = $1)")
                .bind(1, std::string_view(person))
                .run();
            n = static_cast<std::size_t>(c.prepare("DELETE FROM sessions WHERE person = $1").bind(1, std::string_view(person)).run());
        }).get();
        return n;
    }

    std::size_t purge_expired(TimePoint now) override {
        auto n = std::make_shared<std::size_t>(0);
        writes_.submit([now, n](sqlite::Connection& c) {
            *n += static_cast<std::size_t>(c.prepare("DELETE FROM login_nonces WHERE expires_at < $1").bind(1, seconds_of(now)).run());
            *n += static_cast<std::size_t>(c.prepare("DELETE FROM sessions WHERE expires_at < $1").bind(1, seconds_of(now)).run());
            *n += sqlite::purge_expired_oidc(c, now);
        }).get();
        return *n;
    }

    PersonRecord add_person(PersonRecord rec, const std::optional<Allocation>& allocation, AuditEntry entry,
                            const AuditSeal& seal) override {
        auto out = std::make_shared<PersonRecord>(std::move(rec));
        writes_.submit([out, allocation, entry, seal](sqlite::Connection& c) mutable {
            auto& p = *out;
            auto existing = c.prepare("SELECT iin FROM persons WHERE doc_country = $1 AND doc_number = $2");
            existing.bind(1, std::string_view(p.doc_country)).bind(2, std::string_view(p.doc_number));
            if (existing.step()) throw Error(ErrorCode::STORE_CONFLICT, "document: " + existing.text(0));
            int serial = 0;
            if (allocation) {
                auto used = c.prepare("SELECT coalesce(max(iin_serial) + 1, 0) FROM persons WHERE iin_date = $1 AND iin_digit = $2");
                used.bind(1, std::string_view(allocation->prefix).substr(0, 6)).bind(2, std::int64_t{allocation->prefix.at(6) - '0'});
                const int first_free = used.step() ? static_cast<int>(used.integer(0)) : 0;
                std::tie(p.iin, serial) = allocation->make(first_free);
            } else {
                serial = std::stoi(p.iin.substr(7, 4));
            }
            auto same = c.prepare("SELECT iin FROM persons WHERE iin = $1");
            same.bind(1, std::string_view(p.iin));
            if (same.step()) throw Error(ErrorCode::STORE_CONFLICT, "iin: " + p.iin);
            auto ins = c.prepare(std::string("INSERT INTO persons (") + kPersonColumns +
                                 ", iin_date, iin_digit, iin_serial) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                                 "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23)");
            for (int i = 1; const auto* field : person_texts(std::as_const(p))) ins.bind_optional(i++, *field);
            ins.bind(19, seconds_of(p.created_at)).bind(20, seconds_of(p.updated_at));
            ins.bind(21, std::string_view(p.iin).substr(0, 6)).bind(22, std::int64_t{p.iin[6] - '0'}).bind(23, std::int64_t{serial});
            ins.run();
            if (entry.subject.empty()) entry.subject = p.iin;
            sqlite::append_audit(c, entry, seal);
        }).get();
        return *out;
    }

    std::optional<PersonRecord> find_person(const std::string& iin) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare(std::string("SELECT ") + kPersonColumns + " FROM persons WHERE iin = $1");
        st.bind(1, std::string_view(iin));
        if (!st.step()) return std::nullopt;
        return person_row(st);
    }

    void change_person_status(const std::string& iin, const std::string& from, const std::string& to, const std::string& approved_by,
                              AuditEntry entry, const AuditSeal& seal) override {
        writes_.submit([&](sqlite::Connection& c) {
            auto cur = c.prepare("SELECT status FROM persons WHERE iin = $1");
            cur.bind(1, std::string_view(iin));
            if (!cur.step()) throw Error(ErrorCode::STORE_NOT_FOUND, "no person " + iin);
            if (cur.text(0) != from) throw Error(ErrorCode::STORE_CONFLICT, "status " + cur.text(0));
            c.prepare("UPDATE persons SET status = $1, approved_by = coalesce($2, approved_by), updated_at = $3 WHERE iin = $4")
                .bind(1, std::string_view(to))
                .bind_optional(2, approved_by)
                .bind(3, seconds_of(entry.at))
                .bind(4, std::string_view(iin))
                .run();
            sqlite::append_audit(c, entry, seal);
        }).get();
    }

    void add_role(const std::string& iin, const std::string& role, const std::string& name, AuditEntry entry,
                  const AuditSeal& seal) override {
        writes_.submit([&](sqlite::Connection& c) {
            c.prepare("INSERT INTO operator_roles (iin, role, name, added_at) VALUES ($1, $2, $3, $4)")
                .bind(1, std::string_view(iin))
                .bind(2, std::string_view(role))
                .bind(3, std::string_view(name))
                .bind(4, seconds_of(entry.at))
                .run();
            sqlite::append_audit(c, entry, seal);
        }).get();
    }

    std::vector<std::string> roles_of(const std::string& iin) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT role FROM operator_roles WHERE iin = $1 ORDER BY role");
        st.bind(1, std::string_view(iin));
        std::vector<std::string> out;
        while (st.step()) out.push_back(st.text(0));
        return out;
    }

    LegalEntityRecord add_legal_entity(LegalEntityRecord rec, const Allocation& allocation, AuditEntry entry,
                                       const AuditSeal& seal) override {
        auto out = std::make_shared<LegalEntityRecord>(std::move(rec));
        writes_.submit([out, &allocation, &entry, &seal](sqlite::Connection& c) {
            auto& e = *out;
            auto used = c.prepare("SELECT coalesce(max(bin_serial) + 1, 0) FROM legal_entities WHERE bin_prefix = $1");
            used.bind(1, std::string_view(allocation.prefix));
            const auto [bin, serial] = allocation.make(used.step() ? static_cast<int>(used.integer(0)) : 0);
            e.bin = bin;
            c.prepare("INSERT INTO legal_entities (bin, bin_prefix, bin_serial, name, kind, registration_date, status, registered_by, "
                      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(1, std::string_view(e.bin))
                .bind(2, std::string_view(allocation.prefix))
                .bind(3, std::int64_t{serial})
                .bind(4, std::string_view(e.name))
                .bind(5, std::string_view(e.kind))
                .bind(6, std::string_view(e.registration_date))
                .bind(7, std::string_view(e.status))
                .bind(8, std::string_view(e.registered_by))
                .bind(9, seconds_of(e.created_at))
                .run();
            if (entry.subject.empty()) entry.subject = e.bin;
            sqlite::append_audit(c, entry, seal);
        }).get();
        return *out;
    }

    std::optional<LegalEntityRecord> find_legal_entity(const std::string& bin) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare(
            "SELECT bin, name, kind, registration_date, status, registered_by, created_at FROM legal_entities WHERE bin = $1");
        st.bind(1, std::string_view(bin));
        if (!st.step()) return std::nullopt;
        return LegalEntityRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), time_at(st.integer(6))};
    }

    void add_employee_role(const std::string& bin, const std::string& iin, const std::string& role, const std::string& added_by,
                           AuditEntry entry, const AuditSeal& seal) override {
        writes_.submit([&](sqlite::Connection& c) {
            c.prepare("INSERT INTO employee_roles (bin, iin, role, added_by, added_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(1, std::string_view(bin))
                .bind(2, std::string_view(iin))
                .bind(3, std::string_view(role))
                .bind(4, std::string_view(added_by))
                .bind(5, seconds_of(entry.at))
                .run();
            sqlite::append_audit(c, entry, seal);
        }).get();
    }

    bool remove_employee_role(const std::string& bin, const std::string& iin, const std::string& role, AuditEntry entry,
                              const AuditSeal& seal) override {
        bool removed = false;
        writes_.submit([&](sqlite::Connection& c) {
            auto del = c.prepare("DELETE FROM employee_roles WHERE bin = $1 AND iin = $2 AND role = $3");
            removed = del.bind(1, std::string_view(bin)).bind(2, std::string_view(iin)).bind(3, std::string_view(role)).run() > 0;
            if (removed) sqlite::append_audit(c, entry, seal);
        }).get();
        return removed;
    }

    std::vector<std::string> employee_roles(const std::string& bin, const std::string& iin) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT role FROM employee_roles WHERE bin = $1 AND iin = $2 ORDER BY role");
        st.bind(1, std::string_view(bin)).bind(2, std::string_view(iin));
        std::vector<std::string> out;
        while (st.step()) out.push_back(st.text(0));
        return out;
    }

    void append_audit(AuditEntry entry, const AuditSeal& seal) override {
        writes_.submit([&](sqlite::Connection& c) { sqlite::append_audit(c, entry, seal); }).get();
    }

    void for_each_audit(const std::function<void(const AuditEntry&)>& each) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare(std::string("SELECT ") + kAuditColumns + " FROM registry_audit ORDER BY seq");
        while (st.step()) each(audit_row(st));
    }

    std::optional<AuditEntry> last_audit() override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare(std::string("SELECT ") + kAuditColumns + " FROM registry_audit ORDER BY seq DESC LIMIT 1");
        if (!st.step()) return std::nullopt;
        return audit_row(st);
    }

private:
    std::unique_ptr<sqlite::Connection> reader_;
    std::mutex read_mutex_;
    sqlite::GroupCommitter writes_;  // its thread stops first (before the reader goes)
    sqlite::SqliteOidcRepository oidc_;
};

}  // namespace

std::unique_ptr<IdentityRepository> open_sqlite_identity(const std::filesystem::path& file, OpenMode mode, const Clock&) {
    auto s = sqlite::open_store(file, mode, kSchema);
    if (!s.damage.empty()) throw Error(ErrorCode::STORE_DAMAGED, file.string() + ": " + s.damage.front());
    return std::make_unique<SqliteIdentityRepository>(std::move(s.writer), std::move(s.reader));
}

std::unique_ptr<IdentityRepository> open_identity_store(const std::string& uri, OpenMode mode, const Clock& clock) {
    constexpr std::string_view kSqlite = "sqlite:";
    if (!uri.starts_with(kSqlite) || uri.size() == kSqlite.size())
        throw Error(ErrorCode::CONFIG_INVALID, "the store '" + uri + "' is not sqlite:PATH");
    return open_sqlite_identity(uri.substr(kSqlite.size()), mode, clock);
}

}  // namespace tanba::store
