#include <sys/stat.h>

#include <fstream>
#include <set>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "test_support.hpp"

using namespace tanba;

TEST_CASE("error codes are unique in number and name, and round-trip by name") {
    std::set<int> numbers;
    std::set<std::string_view> names;
    for (const auto& c : all_error_codes()) {
        CHECK(numbers.insert(static_cast<int>(c.code)).second);
        CHECK(names.insert(c.name).second);
        ErrorCode back{};
        CHECK(error_code_from_string(c.name, back));
        CHECK(back == c.code);
        CHECK_FALSE(c.message.empty());
    }
    ErrorCode dummy{};
    CHECK_FALSE(error_code_from_string("NO_SUCH_CODE", dummy));
    CHECK(to_string(ErrorCode::ID_BAD_CHECK_DIGIT) == "ID_BAD_CHECK_DIGIT");
    CHECK(static_cast<int>(ErrorCode::ID_BAD_CHECK_DIGIT) == 304);
}

TEST_CASE("Error carries code, context, causes and a readable message") {
    Error e(ErrorCode::STORE_BUSY, "ca.db", {"cause one"});
    CHECK(e.code() == ErrorCode::STORE_BUSY);
    CHECK(e.retryable());
    CHECK(e.context() == "ca.db");
    CHECK(e.causes().size() == 1);
    CHECK(std::string(e.what()) == "STORE_BUSY: database is busy (ca.db)");
    CHECK_FALSE(Error(ErrorCode::ID_BAD_LENGTH, "").retryable());
}

TEST_CASE("hex") {
    Bytes b{0x00, 0x7f, 0xff, 0x10};
    CHECK(to_hex(b) == "007fff10");
    CHECK(from_hex("007FFF10") == b);
    CHECK(test::error_of([] { from_hex("abc"); }) == ErrorCode::INVALID_ARGUMENT);
    CHECK(test::error_of([] { from_hex("zz"); }) == ErrorCode::INVALID_ARGUMENT);
}

TEST_CASE("RFC 3339 times") {
    auto t = parse_rfc3339("2021-06-01T00:00:00Z");
    CHECK(format_rfc3339(t) == "2021-06-01T00:00:00Z");
    CHECK(parse_rfc3339("2021-06-01") == t);
    CHECK(parse_rfc3339("2021-06-01T05:00:00+05:00") == t);
    CHECK(parse_rfc3339("2021-06-01T00:00:00.123Z") == t);
    CHECK(format_rfc3339(parse_rfc3339("2050-12-31T23:59:59Z")) == "2050-12-31T23:59:59Z");
    for (const char* bad : {"2021-02-30", "2021-06-01T25:00:00Z", "yesterday", "2021-06-01T00:00:00", ""})
        CHECK(test::error_of([&] { parse_rfc3339(bad); }) == ErrorCode::INVALID_ARGUMENT);
}

TEST_CASE("files: size limits, private mode, no silent overwrite") {
    test::TempDir dir;
    auto f = dir / "secret.pem";
    write_file(f, as_bytes("abc"), FileMode::Private, Overwrite::Refuse);
    struct stat st {};
    REQUIRE(::stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_file(f) == Bytes{'a', 'b', 'c'});
    CHECK(test::error_of([&] { write_file(f, as_bytes("x"), FileMode::Private, Overwrite::Refuse); }) ==
          ErrorCode::FILE_EXISTS);
    CHECK(read_file(f).size() == 3);  // untouched
    write_file(f, as_bytes("xy"), FileMode::Public, Overwrite::Replace);
    CHECK(read_file(f).size() == 2);
    CHECK(test::error_of([&] { read_file(f, 1); }) == ErrorCode::INPUT_TOO_LARGE);
    CHECK(test::error_of([&] { read_file(dir / "absent"); }) == ErrorCode::FILE_NOT_FOUND);
    // No temporary files are left behind.
    int entries = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path)) ++entries;
    CHECK(entries == 1);
}

TEST_CASE("Secret is move-only and moves its value") {
    Secret a(std::string("pin-1234"));
    Secret b(std::move(a));
    CHECK(b.reveal() == "pin-1234");
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from secret is wiped
}

TEST_CASE("base64 and base64url: RFC 4648 vectors, strict decoding") {
    std::ifstream in(std::string(TANBA_TEST_DATA) + "/vectors/base64/rfc4648.tsv");
    REQUIRE(in);
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) f.push_back(line.substr(start, tab - start));
        f.push_back(line.substr(start));
        CAPTURE(line);
        REQUIRE(f.size() == 4);
        if (f[0] == "ok") {
            const auto data = as_bytes(f[1]);
            CHECK(base64_encode(data) == f[2]);
            CHECK(base64_encode(data, Base64::Url) == f[3]);
            CHECK(base64_decode(f[2]) == Bytes(data.begin(), data.end()));
            CHECK(base64_decode(f[3], Base64::Url) == Bytes(data.begin(), data.end()));
        } else {
            CHECK_FALSE(base64_decode(f[1], f[2] == "url" ? Base64::Url : Base64::Standard));
        }
        ++rows;
    }
    CHECK(rows == 15);
}
