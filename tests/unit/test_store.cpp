// What is particular to the SQLite backend; the behaviour every backend shares is in
// test_store_contract.cpp.
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

TEST_CASE("the schema version is recorded") { CHECK(sqlite_schema_version() >= 1); }

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
