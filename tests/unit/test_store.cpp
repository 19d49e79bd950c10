#include <thread>

#include "tanba/store/sqlite_store.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::store;

namespace {
CertificateRecord record(const std::string& serial, const std::string& iin = "871008401427") {
    CertificateRecord r;
    r.issuer = "abcd";
    r.serial = serial;
    r.profile = "citizen-sign";
    r.subject = "CN=T";
    r.subject_iin = iin;
    r.not_before = TimePoint(std::chrono::seconds(1000));
    r.not_after = TimePoint(std::chrono::seconds(2000));
    return r;
}
}  // namespace

TEST_CASE("reserve, complete, find and list; conflicts and unknown serials are refused") {
    test::TempDir dir;
    FixedClock clock(TimePoint(std::chrono::seconds(1500)));
    auto repo = open_sqlite(dir / "ca.db", OpenMode::CreateIfMissing, clock);
    repo->reserve(record("01"));
    CHECK(repo->find("abcd", "01")->status == CertStatus::Reserved);
    CHECK(test::error_of([&] { repo->reserve(record("01")); }) == ErrorCode::STORE_CONFLICT);
    repo->complete("abcd", "01", Bytes{1, 2, 3});
    auto r = repo->find("abcd", "01");
    REQUIRE(r);
    CHECK(r->status == CertStatus::Issued);
    CHECK(r->der == Bytes{1, 2, 3});
    CHECK(r->created_at == clock.now());
    CHECK(test::error_of([&] { repo->complete("abcd", "01", Bytes{9}); }) == ErrorCode::STORE_NOT_FOUND);
    CHECK(test::error_of([&] { repo->complete("abcd", "99", Bytes{9}); }) == ErrorCode::STORE_NOT_FOUND);
    repo->reserve(record("02", "760212350620"));
    repo->mark_failed("abcd", "02", "token removed");
    CHECK(repo->find("abcd", "02")->status == CertStatus::Failed);
    CHECK_FALSE(repo->find("abcd", "03"));

    CertificateQuery q;
    q.subject_iin = "871008401427";
    CHECK(repo->list(q).size() == 1);
    q.subject_iin.reset();
    q.status = CertStatus::Failed;
    CHECK(repo->list(q).size() == 1);
    CHECK(repo->list({}).size() == 2);
    CHECK(repo->audit_count() == 2);  // issued, failed
}

TEST_CASE("data survives reopening; schema version recorded") {
    test::TempDir dir;
    SystemClock clock;
    {
        auto repo = open_sqlite(dir / "ca.db", OpenMode::CreateIfMissing, clock);
        repo->reserve(record("0a"));
        repo->complete("abcd", "0a", Bytes{7});
    }
    auto again = open_sqlite(dir / "ca.db", OpenMode::MustExist, clock);
    CHECK(again->find("abcd", "0a")->der == Bytes{7});
    CHECK(sqlite_schema_version() >= 1);
}

TEST_CASE("files that are not our database are refused and left untouched") {
    test::TempDir dir;
    SystemClock clock;
    write_file(dir / "junk.db", as_bytes(std::string(4096, 'x')));
    CHECK(test::error_of([&] { open_sqlite(dir / "junk.db", OpenMode::MustExist, clock); }) == ErrorCode::STORE_NOT_A_DATABASE);
    CHECK(read_file(dir / "junk.db") == Bytes(4096, 'x'));
    CHECK(test::error_of([&] { open_sqlite(dir / "absent.db", OpenMode::MustExist, clock); }) == ErrorCode::FILE_NOT_FOUND);
}

TEST_CASE("concurrent writers are grouped and every write is stored") {
    test::TempDir dir;
    SystemClock clock;
    auto repo = open_sqlite(dir / "ca.db", OpenMode::CreateIfMissing, clock);
    constexpr int kThreads = 8, kEach = 50;
    std::vector<std::thread> threads;
    std::atomic<int> conflicts{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                auto serial = std::to_string(t) + "-" + std::to_string(i);
                repo->reserve(record(serial));
                repo->complete("abcd", serial, Bytes{static_cast<std::uint8_t>(i)});
                try {
                    repo->reserve(record(serial));  // a duplicate in the same batch window
                } catch (const Error& e) {
                    if (e.code() == ErrorCode::STORE_CONFLICT) ++conflicts;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(conflicts == kThreads * kEach);
    CertificateQuery q;
    q.status = CertStatus::Issued;
    CHECK(repo->list(q).size() == kThreads * kEach);
    CHECK(repo->audit_count() == kThreads * kEach);
}
