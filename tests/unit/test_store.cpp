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
