// What is particular to the SQLite backend; the behaviour every backend shares is in
// test_store_contract.cpp.
#include "tanba/store/sqlite_store.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::store;

TEST_CASE("the schema version is recorded") { CHECK(sqlite_schema_version() >= 1); }

TEST_CASE("files that are not our database are refused and left untouched") {
    test::TempDir dir;
    SystemClock clock;
    write_file(dir / "junk.db", as_bytes(std::string(4096, 'x')));
    CHECK(test::error_of([&] { open_sqlite(dir / "junk.db", OpenMode::MustExist, clock); }) == ErrorCode::STORE_NOT_A_DATABASE);
    CHECK(read_file(dir / "junk.db") == Bytes(4096, 'x'));
    CHECK(test::error_of([&] { open_sqlite(dir / "absent.db", OpenMode::MustExist, clock); }) == ErrorCode::FILE_NOT_FOUND);
}

namespace {
CertificateRecord row(const std::string& serial) {
    CertificateRecord r;
    r.issuer = "abcd";
    r.serial = serial;
    r.profile = "citizen-sign";
    r.subject = "CN=Test";
    r.not_before = TimePoint(std::chrono::seconds(1700000000));
    r.not_after = TimePoint(std::chrono::seconds(1800000000));
    return r;
}
}  // namespace

TEST_CASE("a write-ahead log removed under an open store: writes refused, what it held saved") {
    test::TempDir dir;
    SystemClock clock;
    const auto db = dir / "ca.db";
    {
        auto repo = open_sqlite(db, OpenMode::CreateIfMissing, clock);
        repo->reserve(row("01"));
        CHECK_FALSE(repo->health());
        std::filesystem::remove(db.string() + "-wal");  // within the idle checkpoint's delay, usually
        const auto health = repo->health();
        REQUIRE(health);
        CHECK(health->code() == ErrorCode::STORE_WAL_MISSING);
        CHECK(std::string(health->what()).find("ca.db-wal") != std::string::npos);
        CHECK(test::error_of([&] { repo->reserve(row("02")); }) == ErrorCode::STORE_WAL_MISSING);
        CHECK(repo->find("abcd", "01"));  // reads go on
    }
    auto reopened = open_sqlite(db, OpenMode::MustExist, clock);
    CHECK_FALSE(reopened->health());
    CHECK(reopened->find("abcd", "01"));
    CHECK_FALSE(reopened->find("abcd", "02"));
}

TEST_CASE("a damaged page: found at open, writes refused, the file untouched, the full check names it") {
    test::TempDir dir;
    SystemClock clock;
    const auto db = dir / "ca.db";
    {
        auto repo = open_sqlite(db, OpenMode::CreateIfMissing, clock);
        for (int i = 1; i <= 20; ++i) repo->reserve(row(to_hex(Bytes{static_cast<std::uint8_t>(i)})));
        CHECK(repo->check_integrity().empty());
    }
    auto bytes = read_file(db);
    REQUIRE(bytes.size() >= 3 * 4096);
    for (std::size_t i = 2 * 4096; i < 3 * 4096; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7919 >> 3);  // page 3
    write_file(db, bytes);
    auto repo = open_sqlite(db, OpenMode::MustExist, clock);
    const auto health = repo->health();
    REQUIRE(health);
    CHECK(health->code() == ErrorCode::STORE_DAMAGED);
    CHECK(test::error_of([&] { repo->reserve(row("ff")); }) == ErrorCode::STORE_DAMAGED);
    CHECK_FALSE(repo->check_integrity().empty());
    repo.reset();
    CHECK(read_file(db) == bytes);
}
