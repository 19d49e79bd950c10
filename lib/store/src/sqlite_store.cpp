#include "tanba/store/sqlite_store.hpp"

#include <map>
#include <mutex>

#include "group_commit.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_maintenance.hpp"
#include "sqlite_schema.hpp"

namespace tanba::store {

const std::map<std::string, std::string>& migration_texts();  // generated from migrations/*.sql

namespace {

const sqlite::Schema kSchema{0x54414E42 /* "TANB" */, "a tanba CA store", migration_texts};

using sqlite::seconds_of;
using sqlite::time_at;

CertStatus status_from(const std::string& s) {
    if (s == "issued") return CertStatus::Issued;
    if (s == "failed") return CertStatus::Failed;
    return CertStatus::Reserved;
}

constexpr const char* kAuditInsert = "INSERT INTO audit_log (at, event, issuer, serial, detail) VALUES ($1, $2, $3, $4, $5)";

void audit(sqlite::Statement& st, std::int64_t now, const char* event, const std::string& issuer,
           const std::string& serial, const std::string& detail) {
    st.reset();
    st.bind(1, now)
        .bind(2, std::string_view(event))
        .bind(3, std::string_view(issuer))
        .bind(4, std::string_view(serial))
        .bind(5, std::string_view(detail))
        .run();
}

constexpr const char* kColumns =
    "issuer, serial, status, profile, subject, subject_iin, subject_bin, not_before, not_after, created_at, der";

// What reads select: the inserted columns and the revocation state.
const std::string kSelectColumns = std::string(kColumns) + ", revoked_at, revocation_reason, request_key, request_digest";

CertificateRecord read_row(sqlite::Statement& st) {
    CertificateRecord r;
    r.issuer = st.text(0);
    r.serial = st.text(1);
    r.status = status_from(st.text(2));
    r.profile = st.text(3);
    r.subject = st.text(4);
    r.subject_iin = st.text(5);
    r.subject_bin = st.text(6);
    r.not_before = time_at(st.integer(7));
    r.not_after = time_at(st.integer(8));
    r.created_at = time_at(st.integer(9));
    r.der = st.blob(10);
    if (!st.is_null(11)) {
        r.revoked_at = time_at(st.integer(11));
        r.revocation_reason = static_cast<int>(st.integer(12));
    }
    if (!st.is_null(13)) r.request_key = st.text(13);
    if (!st.is_null(14)) r.request_digest = st.blob(14);
    return r;
}

RevocationRecord revocation_row(sqlite::Statement& st) {
    RevocationRecord r;
    r.serial = st.text(0);
    r.at = time_at(st.integer(1));
    r.reason = static_cast<int>(st.integer(2));
    if (!st.is_null(3)) r.invalidity_date = time_at(st.integer(3));
    return r;
}

constexpr const char* kEventInsert =
    "INSERT INTO revocation_events (issuer, serial, at, reason, invalidity_date) VALUES ($1, $2, $3, $4, $5)";

class SqliteRepository final : public CaRepository {
public:
    SqliteRepository(std::unique_ptr<sqlite::Connection> writer, std::unique_ptr<sqlite::Connection> reader,
                     const Clock& clock, const std::vector<std::string>& damage)
        : reader_(std::move(reader)), clock_(clock), wal_(reader_->file()), writes_(prepare_writer(std::move(writer)), hooks()) {
        reader_->on_damage([this](const Error& e) { note_fault(e); });
        if (!damage.empty()) note_fault(Error(ErrorCode::STORE_DAMAGED, reader_->file().string() + ": " + damage.front()));
        else wal_.arm();
    }

    std::future<ReserveOutcome> reserve_all_async(std::vector<CertificateRecord> records) override {
        struct State {
            std::vector<CertificateRecord> records;
            ReserveOutcome out;
        };
        auto state = std::make_shared<State>(State{std::move(records), {}});
        state->out.resize(state->records.size());
        const auto now = seconds_of(clock_.now());
        auto committed = writes_.submit([state, now](sqlite::Connection& c) {
            auto insert = c.prepare(std::string("INSERT INTO certificates (") + kColumns +
                                    ", request_key, request_digest) VALUES ($1, $2, 'reserved', $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11)");
            for (std::size_t i = 0; i < state->records.size(); ++i) {
                const auto& r = state->records[i];
                insert.reset();
                insert.bind(1, std::string_view(r.issuer))
                    .bind(2, std::string_view(r.serial))
                    .bind(3, std::string_view(r.profile))
                    .bind(4, std::string_view(r.subject))
                    .bind_optional(5, r.subject_iin)
                    .bind_optional(6, r.subject_bin)
                    .bind(7, seconds_of(r.not_before))
                    .bind(8, seconds_of(r.not_after))
                    .bind(9, now)
                    .bind_optional(10, r.request_key);
                if (r.request_digest.empty()) insert.bind_null(11);
                else insert.bind(11, ByteView(r.request_digest));
                try {
                    insert.run();
                } catch (const Error& e) {
                    if (e.code() != ErrorCode::STORE_CONFLICT) throw;
                    state->out[i] = ErrorCode::STORE_CONFLICT;  // the failed INSERT changed nothing
                }
            }
        });
        // Deferred: runs in the caller's get(), after the commit; no extra thread.
        return std::async(std::launch::deferred, [committed = std::move(committed), state]() mutable {
            committed.get();
            return std::move(state->out);
        });
    }

    std::future<void> finish_all_async(std::vector<Completion> completions) override {
        auto done = std::make_shared<std::vector<Completion>>(std::move(completions));
        const auto now = seconds_of(clock_.now());
        return writes_.submit([done, now](sqlite::Connection& c) {
            auto issued = c.prepare("UPDATE certificates SET status = 'issued', der = $1 "
                                    "WHERE issuer = $2 AND serial = $3 AND status = 'reserved'");
            auto failed = c.prepare("UPDATE certificates SET status = 'failed' "
                                    "WHERE issuer = $1 AND serial = $2 AND status = 'reserved'");
            auto log = c.prepare(kAuditInsert);
            const Completion* first = nullptr;
            const Completion* last = nullptr;
            std::size_t count = 0;
            for (const auto& d : *done) {
                int n = 0;
                if (!d.der.empty()) {
                    issued.reset();
                    n = issued.bind(1, ByteView(d.der)).bind(2, std::string_view(d.issuer)).bind(3, std::string_view(d.serial)).run();
                } else {
                    failed.reset();
                    n = failed.bind(1, std::string_view(d.issuer)).bind(2, std::string_view(d.serial)).run();
                }
                if (n != 1) throw Error(ErrorCode::STORE_NOT_FOUND, "no reserved serial " + d.serial);
                if (d.der.empty()) {
                    audit(log, now, "failed", d.issuer, d.serial, d.failure);
                } else {
                    if (!first) first = &d;
                    last = &d;
                    ++count;
                }
            }
            // One entry per commit of issued certificates: the rows themselves are the ledger.
            if (count > 0)
                audit(log, now, "issued", first->issuer, first->serial,
                      std::to_string(count) + " certificate(s), last serial " + last->serial);
        });
    }

    std::optional<CertificateRecord> find(const std::string& issuer, const std::string& serial) override {
        return find_one("serial", issuer, serial);
    }

    std::optional<CertificateRecord> find_by_request_key(const std::string& issuer, const std::string& key) override {
        return find_one("request_key", issuer, key);
    }

    std::vector<CertificateRecord> list(const CertificateQuery& q) override {
        std::lock_guard lock(read_mutex_);
        std::string sql = "SELECT " + kSelectColumns + " FROM certificates WHERE 1 = 1";
        std::vector<std::string> args;
        auto filter = [&](const char* column, const std::optional<std::string>& v) {
            if (!v) return;
            args.push_back(*v);
            sql += std::string(" AND ") + column + " = $" + std::to_string(args.size());
        };
        filter("issuer", q.issuer);
        filter("subject_iin", q.subject_iin);
        filter("subject_bin", q.subject_bin);
        if (q.status) filter("status", std::string(to_string(*q.status)));
        sql += " ORDER BY id DESC LIMIT " + std::to_string(q.limit);
        auto st = reader_->prepare(sql);
        for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), std::string_view(args[i]));
        std::vector<CertificateRecord> out;
        while (st.step()) out.push_back(read_row(st));
        return out;
    }

    void change_revocations(const std::string& issuer, std::span<const RevocationChange> changes, const AuditNote& note) override {
        writes_.submit([&issuer, changes, &note](sqlite::Connection& c) {
            auto cur = c.prepare("SELECT status, revocation_reason FROM certificates WHERE issuer = $1 AND serial = $2");
            auto up = c.prepare("UPDATE certificates SET revoked_at = $1, revocation_reason = $2, invalidity_date = $3 "
                                "WHERE issuer = $4 AND serial = $5");
            auto ev = c.prepare(kEventInsert);
            auto log = c.prepare(kAuditInsert);
            for (const auto& ch : changes) {
                cur.reset();
                cur.bind(1, std::string_view(issuer)).bind(2, std::string_view(ch.serial));
                if (!cur.step() || cur.text(0) != "issued") throw Error(ErrorCode::STORE_NOT_FOUND, "no issued certificate " + ch.serial);
                const bool revoked = !cur.is_null(1);
                const std::int64_t reason = revoked ? cur.integer(1) : 0;
                bool allowed = false;
                for (const auto& from : ch.allowed_from) allowed = allowed || (from.has_value() == revoked && (!revoked || *from == reason));
                if (!allowed)
                    throw Error(ErrorCode::STORE_CONFLICT, ch.serial + " changed meanwhile");
                up.reset();
                if (ch.state) {
                    up.bind(1, seconds_of(ch.state->at)).bind(2, std::int64_t{ch.state->reason});
                    if (ch.state->invalidity_date) up.bind(3, seconds_of(*ch.state->invalidity_date));
                    else up.bind_null(3);
                } else {
                    up.bind_null(1).bind_null(2).bind_null(3);
                }
                up.bind(4, std::string_view(issuer)).bind(5, std::string_view(ch.serial)).run();
                ev.reset();
                ev.bind(1, std::string_view(issuer)).bind(2, std::string_view(ch.serial)).bind(3, seconds_of(ch.event.at))
                    .bind(4, std::int64_t{ch.event.reason});
                if (ch.event.invalidity_date) ev.bind(5, seconds_of(*ch.event.invalidity_date));
                else ev.bind_null(5);
                ev.run();
            }
            if (!changes.empty()) audit(log, seconds_of(changes.front().event.at), note.action.c_str(), issuer, note.serial, note.detail);
        }).get();
    }

    void for_each_revoked(const std::string& issuer, const std::function<void(const RevocationRecord&)>& each) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT serial, revoked_at, revocation_reason, invalidity_date FROM certificates "
                                   "WHERE issuer = $1 AND revoked_at IS NOT NULL");
        st.bind(1, std::string_view(issuer));
        while (st.step()) each(revocation_row(st));
    }

    std::vector<RevocationRecord> events_after(const std::string& issuer, std::int64_t after, std::int64_t& last) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT serial, at, reason, invalidity_date, id FROM revocation_events "
                                   "WHERE issuer = $1 AND id > $2 ORDER BY id");
        st.bind(1, std::string_view(issuer)).bind(2, after);
        std::map<std::string, RevocationRecord> latest;
        last = after;
        while (st.step()) {
            auto r = revocation_row(st);
            latest[r.serial] = r;
            last = st.integer(4);
        }
        std::vector<RevocationRecord> out;
        for (auto& [serial, r] : latest) out.push_back(std::move(r));
        return out;
    }

    std::int64_t last_event(const std::string& issuer) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT coalesce(max(id), 0) FROM revocation_events WHERE issuer = $1");
        st.bind(1, std::string_view(issuer));
        return st.step() ? st.integer(0) : 0;
    }

    void record_crl(const std::string& issuer, const CrlRecord& crl) override {
        writes_.submit([&issuer, &crl](sqlite::Connection& c) {
            auto st = c.prepare("INSERT INTO crls (issuer, number, this_update, next_update, base_number, last_event, der) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7)");
            st.bind(1, std::string_view(issuer)).bind(2, crl.number).bind(3, seconds_of(crl.this_update)).bind(4, seconds_of(crl.next_update));
            if (crl.base_number) st.bind(5, *crl.base_number);
            else st.bind_null(5);
            st.bind(6, crl.last_event).bind(7, ByteView(crl.der)).run();
        }).get();
    }

    std::optional<CrlRecord> latest_crl(const std::string& issuer, CrlSelect which, CrlFields fields) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare(std::string("SELECT number, this_update, next_update, base_number, last_event, ") +
                                   (fields == CrlFields::All ? "der" : "NULL") + " FROM crls WHERE issuer = $1" +
                                   (which == CrlSelect::NewestFull ? " AND base_number IS NULL" : "") + " ORDER BY number DESC LIMIT 1");
        st.bind(1, std::string_view(issuer));
        if (!st.step()) return std::nullopt;
        CrlRecord r;
        r.number = st.integer(0);
        r.this_update = time_at(st.integer(1));
        r.next_update = time_at(st.integer(2));
        if (!st.is_null(3)) r.base_number = st.integer(3);
        r.last_event = st.integer(4);
        if (fields == CrlFields::All) r.der = st.blob(5);
        return r;
    }

    std::optional<Error> health() override {
        if (wal_.missing()) writes_.submit([](sqlite::Connection&) {}).wait();  // the writer notices, and rescues
        if (auto f = fault()) return f;
        try {
            std::lock_guard lock(read_mutex_);
            reader_->prepare("SELECT max(id) FROM certificates").step();
        } catch (const Error& e) {
            return e;
        }
        return std::nullopt;
    }

    std::vector<std::string> check_integrity() override {
        std::lock_guard lock(read_mutex_);
        auto out = sqlite::integrity_problems(*reader_, sqlite::IntegrityDepth::Full, 100, std::nullopt);
        for (auto& d : sqlite::duplicate_serials(*reader_)) out.push_back(std::move(d));
        return out;
    }

    void for_each_certificate(const std::function<void(const CertificateRecord&)>& each) override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT " + kSelectColumns + " FROM certificates ORDER BY id");
        while (st.step()) each(read_row(st));
    }

    void backup(const std::filesystem::path& to) override {
        std::lock_guard lock(read_mutex_);
        sqlite::backup_database(*reader_, to);
    }

    std::int64_t audit_count() override {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT count(*) FROM audit_log");
        return st.step() ? st.integer(0) : 0;
    }

private:
    // The issuer's certificate whose `column` (serial, request_key: unique per issuer) is `value`.
    std::optional<CertificateRecord> find_one(const char* column, const std::string& issuer, const std::string& value) {
        std::lock_guard lock(read_mutex_);
        auto st = reader_->prepare("SELECT " + kSelectColumns + " FROM certificates WHERE issuer = $1 AND " + column + " = $2");
        st.bind(1, std::string_view(issuer)).bind(2, std::string_view(value));
        if (!st.step()) return std::nullopt;
        return read_row(st);
    }

    std::optional<Error> fault() {
        std::lock_guard lock(fault_mutex_);
        return fault_;
    }
    void note_fault(const Error& e) {
        std::lock_guard lock(fault_mutex_);
        if (!fault_) fault_ = e;  // sticky: the first cause is the one to report
    }
    std::unique_ptr<sqlite::Connection> prepare_writer(std::unique_ptr<sqlite::Connection> c) {
        c->on_damage([this](const Error& e) { note_fault(e); });
        return c;
    }
    // Before each batch: a damaged store is not written; a removed WAL is rescued (what it
    // holds checkpointed into the database through the file this connection still has open),
    // and then writes stop — they would go to a file nobody will read again.
    sqlite::GroupCommitter::Hooks hooks() {
        sqlite::GroupCommitter::Hooks h;
        h.before_batch = [this](sqlite::Connection& c) -> std::optional<Error> {
            if (auto f = fault()) return f;
            if (!wal_.missing()) return std::nullopt;
            std::string rescued = "another process had restarted the log: all it held was in the database";
            if (wal_.index_is_ours()) try {
                c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
                rescued = "what it held was checkpointed into the database";
            } catch (const Error& e) {
                rescued = std::string("checkpointing what it held failed: ") + e.context();
            }
            note_fault(Error(ErrorCode::STORE_WAL_MISSING, wal_.path().string() + " was removed while the store was open; " +
                                                                rescued + "; restart to go on"));
            return fault();
        };
        h.when_idle = sqlite::checkpoint_passive;  // so that little depends on the WAL
        return h;
    }

    std::unique_ptr<sqlite::Connection> reader_;
    std::mutex read_mutex_;
    const Clock& clock_;
    sqlite::WalWatch wal_;
    std::mutex fault_mutex_;
    std::optional<Error> fault_;
    sqlite::GroupCommitter writes_;  // last: its thread stops first
};

}  // namespace

CaRepository::ReserveOutcome CaRepository::reserve_all(std::span<const CertificateRecord> records) {
    return reserve_all_async(std::vector<CertificateRecord>(records.begin(), records.end())).get();
}

void CaRepository::finish_all(std::span<const Completion> completions) {
    finish_all_async(std::vector<Completion>(completions.begin(), completions.end())).get();
}

void CaRepository::reserve(const CertificateRecord& record) {
    auto r = reserve_all(std::span(&record, 1));
    if (r.front()) throw Error(*r.front(), "serial " + record.serial + " of " + record.issuer);
}

void CaRepository::complete(const std::string& issuer, const std::string& serial, ByteView der) {
    Completion c{issuer, serial, Bytes(der.begin(), der.end()), ""};
    finish_all(std::span(&c, 1));
}

void CaRepository::mark_failed(const std::string& issuer, const std::string& serial, const std::string& reason) {
    Completion c{issuer, serial, {}, reason};
    finish_all(std::span(&c, 1));
}

std::string_view to_string(CertStatus s) {
    switch (s) {
        case CertStatus::Reserved: return "reserved";
        case CertStatus::Issued: return "issued";
        case CertStatus::Failed: return "failed";
    }
    return "?";
}

int sqlite_schema_version() { return static_cast<int>(migration_texts().size()); }

std::unique_ptr<CaRepository> open_sqlite(const std::filesystem::path& file, OpenMode mode, const Clock& clock) {
    auto s = sqlite::open_store(file, mode, kSchema);
    return std::make_unique<SqliteRepository>(std::move(s.writer), std::move(s.reader), clock, s.damage);
}

}  // namespace tanba::store
