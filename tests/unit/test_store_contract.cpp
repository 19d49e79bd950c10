// The CaRepository contract (lib/store/include/tanba/store/repository.hpp), run against every
// backend: SQLite now; PostgreSQL is added to kBackends when it exists. A backend passes when
// it keeps rows, uniqueness and the caller's conditions exactly so — no backend-specific rules.
#include <map>
#include <thread>

#include "tanba/store/sqlite_store.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::store;

namespace {

struct Backend {
    const char* name;
    /// A repository on the data in `dir` (created when absent).
    std::unique_ptr<CaRepository> (*open)(const std::filesystem::path& dir, const Clock& clock);
};

const Backend kBackends[] = {
    {"sqlite", [](const std::filesystem::path& dir, const Clock& clock) {
         return open_sqlite(dir / "ca.db", OpenMode::CreateIfMissing, clock);
     }},
};

CertificateRecord record(const std::string& serial, const std::string& issuer = "abcd", const std::string& iin = "871008401427") {
    CertificateRecord r;
    r.issuer = issuer;
    r.serial = serial;
    r.profile = "citizen-sign";
    r.subject = "CN=T";
    r.subject_iin = iin;
    r.not_before = TimePoint(std::chrono::seconds(1000));
    r.not_after = TimePoint(std::chrono::seconds(2000));
    return r;
}

void issue(CaRepository& repo, const std::string& serial, const std::string& issuer = "abcd") {
    repo.reserve(record(serial, issuer));
    repo.complete(issuer, serial, Bytes{0x30, 0x00});
}

TimePoint t(int s) { return TimePoint(std::chrono::seconds(s)); }

// A revocation change as lib/ca would make it (reasons are opaque numbers to the store).
RevocationChange revoke_change(const std::string& serial, std::vector<std::optional<int>> from, int reason, int at) {
    const RevocationRecord state{serial, t(at), reason, std::nullopt};
    return {serial, std::move(from), state, state};
}

std::optional<int> reason_of(CaRepository& repo, const std::string& serial) {
    auto r = repo.find("abcd", serial);
    REQUIRE(r);
    return r->revoked_at ? std::optional<int>(r->revocation_reason) : std::nullopt;
}

}  // namespace

TEST_CASE("repository contract") {
    for (const auto& backend : kBackends) {
        CAPTURE(backend.name);
        test::TempDir dir;
        FixedClock clock(t(1500));
        auto repo = backend.open(dir.path, clock);

        SUBCASE("reservations: unique per issuer, per record in a batch; completions all or nothing") {
            const auto outcome = repo->reserve_all(std::vector{record("01"), record("02"), record("01")});
            REQUIRE(outcome.size() == 3);
            CHECK_FALSE(outcome[0]);
            CHECK_FALSE(outcome[1]);
            CHECK(outcome[2] == ErrorCode::STORE_CONFLICT);
            repo->reserve(record("01", "other-issuer"));  // serials are unique per issuer only
            CHECK(repo->find("abcd", "01")->status == CertStatus::Reserved);
            // One unknown serial in a batch: nothing of the batch is written.
            CHECK(test::error_of([&] {
                      repo->finish_all(std::vector<Completion>{{"abcd", "01", Bytes{1}, ""}, {"abcd", "99", Bytes{2}, ""}});
                  }) == ErrorCode::STORE_NOT_FOUND);
            CHECK(repo->find("abcd", "01")->status == CertStatus::Reserved);
            repo->finish_all(std::vector<Completion>{{"abcd", "01", Bytes{1}, ""}, {"abcd", "02", {}, "token removed"}});
            CHECK(repo->find("abcd", "01")->der == Bytes{1});
            CHECK(repo->find("abcd", "01")->created_at == clock.now());
            CHECK(repo->find("abcd", "02")->status == CertStatus::Failed);
            CHECK(test::error_of([&] { repo->complete("abcd", "01", Bytes{9}); }) == ErrorCode::STORE_NOT_FOUND);
            // A failed serial is never given out again.
            CHECK(test::error_of([&] { repo->reserve(record("02")); }) == ErrorCode::STORE_CONFLICT);
            CHECK(repo->audit_count() == 2);  // one per commit of issued certificates, one per failure
        }

        SUBCASE("queries: by issuer, identifier and status, newest first, limited") {
            issue(*repo, "0a");
            repo->reserve(record("0b", "abcd", "760212350620"));
            issue(*repo, "0c");
            issue(*repo, "0d", "other-issuer");
            CertificateQuery q;
            q.issuer = "abcd";
            const auto all = repo->list(q);
            REQUIRE(all.size() == 3);
            CHECK(all.front().serial == "0c");
            q.status = CertStatus::Issued;
            CHECK(repo->list(q).size() == 2);
            q.status.reset();
            q.subject_iin = "760212350620";
            CHECK(repo->list(q).size() == 1);
            q = {};
            q.limit = 2;
            CHECK(repo->list(q).size() == 2);
            CHECK_FALSE(repo->find("abcd", "0d"));
        }

        SUBCASE("revocation changes: conditional on the state read, with events, all or nothing") {
            issue(*repo, "01");
            issue(*repo, "02");
            repo->reserve(record("03"));
            const auto audits = repo->audit_count();
            CHECK(repo->last_event("abcd") == 0);
            // Only issued certificates change.
            for (const char* s : {"03", "99"}) {
                auto ch = revoke_change(s, {std::nullopt}, 1, 1600);
                CHECK(test::error_of([&] { repo->change_revocations("abcd", std::span(&ch, 1), {"revoked", s, ""}); }) ==
                      ErrorCode::STORE_NOT_FOUND);
            }
            // Put on hold (reason 6 to lib/ca; a number to the store).
            auto hold = revoke_change("01", {std::nullopt}, 6, 1600);
            repo->change_revocations("abcd", std::span(&hold, 1), {"hold", "01", ""});
            CHECK(reason_of(*repo, "01") == 6);
            CHECK(repo->find("abcd", "01")->revoked_at == t(1600));
            // A change whose condition no longer holds is refused, and so is its whole batch.
            std::vector batch{revoke_change("02", {std::nullopt}, 1, 1700), revoke_change("01", {std::nullopt}, 1, 1700)};
            CHECK(test::error_of([&] { repo->change_revocations("abcd", batch, {"revoked", "02", "2 certificates"}); }) ==
                  ErrorCode::STORE_CONFLICT);
            CHECK_FALSE(reason_of(*repo, "02"));
            CHECK(repo->audit_count() == audits + 1);
            // Released: the row is cleared and the event keeps what lib/ca said (8).
            RevocationChange release{"01", {6}, std::nullopt, RevocationRecord{"01", t(1800), 8, std::nullopt}};
            repo->change_revocations("abcd", std::span(&release, 1), {"unhold", "01", ""});
            CHECK_FALSE(reason_of(*repo, "01"));
            auto revoke2 = revoke_change("02", {std::nullopt}, 1, 1900);
            revoke2.state->invalidity_date = revoke2.event.invalidity_date = t(1000);
            repo->change_revocations("abcd", std::span(&revoke2, 1), {"revoked", "02", ""});
            CHECK(repo->audit_count() == audits + 3);
            // Events, latest per serial after a point, and the current revocations.
            std::int64_t last = 0;
            const auto events = repo->events_after("abcd", 0, last);
            CHECK(last == repo->last_event("abcd"));
            REQUIRE(events.size() == 2);
            std::map<std::string, RevocationRecord> by_serial;
            for (const auto& e : events) by_serial[e.serial] = e;
            CHECK(by_serial["01"].reason == 8);
            CHECK(by_serial["02"].reason == 1);
            CHECK(by_serial["02"].invalidity_date == t(1000));
            std::int64_t later = 0;
            CHECK(repo->events_after("abcd", last, later).empty());
            std::vector<RevocationRecord> revoked;
            repo->for_each_revoked("abcd", [&](const RevocationRecord& r) { revoked.push_back(r); });
            REQUIRE(revoked.size() == 1);
            CHECK(revoked[0].serial == "02");
            CHECK(revoked[0].at == t(1900));
            CHECK(repo->last_event("other-issuer") == 0);
        }

        SUBCASE("of concurrent changes on one state, exactly one applies") {
            issue(*repo, "01");
            constexpr int kThreads = 8;
            std::atomic<int> applied{0}, refused{0};
            std::vector<std::thread> threads;
            for (int i = 0; i < kThreads; ++i)
                threads.emplace_back([&, i] {
                    auto ch = revoke_change("01", {std::nullopt}, i, 1600 + i);
                    try {
                        repo->change_revocations("abcd", std::span(&ch, 1), {"revoked", "01", ""});
                        ++applied;
                    } catch (const Error& e) {
                        if (e.code() == ErrorCode::STORE_CONFLICT) ++refused;
                    }
                });
            for (auto& th : threads) th.join();
            CHECK(applied == 1);
            CHECK(refused == kThreads - 1);
        }

        SUBCASE("concurrent writers: every write is stored, every duplicate refused") {
            constexpr int kThreads = 8, kEach = 50;
            std::vector<std::thread> threads;
            std::atomic<int> conflicts{0};
            for (int th = 0; th < kThreads; ++th)
                threads.emplace_back([&, th] {
                    for (int i = 0; i < kEach; ++i) {
                        const auto serial = std::to_string(th) + "-" + std::to_string(i);
                        issue(*repo, serial);
                        try {
                            repo->reserve(record(serial));  // a duplicate, maybe in the same group commit
                        } catch (const Error& e) {
                            if (e.code() == ErrorCode::STORE_CONFLICT) ++conflicts;
                        }
                    }
                });
            for (auto& th : threads) th.join();
            CHECK(conflicts == kThreads * kEach);
            CertificateQuery q;
            q.status = CertStatus::Issued;
            CHECK(repo->list(q).size() == kThreads * kEach);
            CHECK(repo->audit_count() == kThreads * kEach);
        }

        SUBCASE("CRLs: the newest and the newest full, with or without their DER") {
            CHECK_FALSE(repo->latest_crl("abcd", CrlSelect::Newest));
            repo->record_crl("abcd", {1, t(1000), t(2000), std::nullopt, 0, Bytes{1}});
            repo->record_crl("abcd", {2, t(1100), t(2100), 1, 3, Bytes{2, 2}});
            const auto newest = repo->latest_crl("abcd", CrlSelect::Newest);
            REQUIRE(newest);
            CHECK(newest->number == 2);
            CHECK(newest->base_number == 1);
            CHECK(newest->last_event == 3);
            CHECK(newest->der == Bytes{2, 2});
            const auto full = repo->latest_crl("abcd", CrlSelect::NewestFull, CrlFields::WithoutDer);
            REQUIRE(full);
            CHECK(full->number == 1);
            CHECK(full->next_update == t(2000));
            CHECK(full->der.empty());
            CHECK_FALSE(repo->latest_crl("other-issuer", CrlSelect::Newest));
        }

        SUBCASE("every write is durable: the data are there when opened again") {
            issue(*repo, "0a");
            auto ch = revoke_change("0a", {std::nullopt}, 1, 1600);
            repo->change_revocations("abcd", std::span(&ch, 1), {"revoked", "0a", ""});
            repo->record_crl("abcd", {1, t(1000), t(2000), std::nullopt, 1, Bytes{1}});
            const auto audits = repo->audit_count();
            repo.reset();
            auto again = backend.open(dir.path, clock);
            CHECK(again->find("abcd", "0a")->revocation_reason == 1);
            CHECK(again->last_event("abcd") >= 1);
            CHECK(again->latest_crl("abcd", CrlSelect::Newest)->der == Bytes{1});
            CHECK(again->audit_count() == audits);
        }
    }
}
