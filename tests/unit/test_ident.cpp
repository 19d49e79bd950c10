#include <map>

#include "tanba/ident/identifiers.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::ident;

namespace {

// The vector files name reasons in words; these are the codes they mean.
ErrorCode code_for(const std::string& reason) {
    static const std::vector<std::pair<std::string, ErrorCode>> kMap = {
        {"check digit undefined", ErrorCode::ID_NEVER_ISSUED},
        {"check digit", ErrorCode::ID_BAD_CHECK_DIGIT},
        {"length", ErrorCode::ID_BAD_LENGTH},
        {"non-digit", ErrorCode::ID_NOT_DIGITS},
        {"birth date", ErrorCode::ID_BAD_DATE},
        {"century/gender digit", ErrorCode::ID_BAD_CENTURY},
        {"registration month", ErrorCode::ID_BAD_MONTH},
        {"entity-type digit", ErrorCode::ID_BAD_ENTITY_TYPE},
        {"attribute digit", ErrorCode::ID_BAD_ATTRIBUTE},
        {"district code", ErrorCode::ID_BAD_DISTRICT},
    };
    for (const auto& [prefix, code] : kMap)
        if (reason.rfind(prefix, 0) == 0) return code;
    FAIL("unmapped reason in vector file: " << reason);
    return ErrorCode::INTERNAL;
}

void run_vectors(const std::string& file, IdType type, bool has_passes) {
    auto rows = test::tsv(file);
    REQUIRE(rows.size() > 20);
    int valid = 0, invalid = 0;
    for (const auto& row : rows) {
        const std::string& number = row[0];
        CAPTURE(number);
        auto r = check(number, type);
        if (row[1] == "valid") {
            ++valid;
            CHECK(r.valid());
        } else {
            ++invalid;
            REQUIRE_FALSE(r.valid());
            CHECK(to_string(*r.failure) == to_string(code_for(row[2])));
        }
        if (has_passes && number.size() == 12 && row.size() > 4 && !row[3].empty() &&
            number.find_first_not_of("0123456789") == std::string::npos) {
            auto m = kz_mod11(number);
            CHECK(m.pass1 == std::stoi(row[3]));
            CHECK(m.pass2 == std::stoi(row[4]));
        }
    }
    CHECK(valid > 0);
    CHECK(invalid > 0);
}

}  // namespace

TEST_CASE("IIN vectors") { run_vectors("vectors/kz/iin_vectors.tsv", IdType::Iin, true); }
TEST_CASE("BIN vectors") { run_vectors("vectors/kz/bin_vectors.tsv", IdType::Bin, true); }
TEST_CASE("PINFL vectors") { run_vectors("vectors/uz/pinfl_vectors.tsv", IdType::Pinfl, false); }

TEST_CASE("270 real BINs are valid BINs, and auto-detection calls them BINs") {
    auto rows = test::tsv("vectors/kz/bin_real_public.txt");
    CHECK(rows.size() == 270);
    for (const auto& row : rows) {
        CAPTURE(row[0]);
        CHECK(check_bin(row[0]).valid());
        auto a = check_auto(row[0]);
        CHECK(a.valid());
        CHECK(a.type == IdType::Bin);
    }
}

TEST_CASE("auto detection") {
    CHECK(check_auto("871008401427").type == IdType::Iin);
    CHECK(check_auto("31505852640177").type == IdType::Pinfl);
    CHECK(*check_auto("12345").failure == ErrorCode::ID_UNKNOWN_TYPE);
    // An invalid 12-digit number is reported as the type it got furthest as.
    CHECK(check_auto("871008401428").type == IdType::Iin);
    CHECK(*check_auto("871008401428").failure == ErrorCode::ID_BAD_CHECK_DIGIT);
    CHECK(check_auto("940140000388").type == IdType::Bin);
}

TEST_CASE("IIN decoding") {
    auto iin = parse_iin("871008401427");
    CHECK(iin.birth_date == std::chrono::year{1987} / 10 / 8);
    CHECK(iin.sex == Sex::Female);
    CHECK(iin.serial == 142);
    auto old = parse_iin("800416100254");
    CHECK(int(old.birth_date.year()) == 1880);
    CHECK(old.sex == Sex::Male);
    CHECK(test::error_of([] { parse_iin("871008401428"); }) == ErrorCode::ID_BAD_CHECK_DIGIT);
    CHECK(test::error_of([] { parse_iin("000813159890"); }) == ErrorCode::ID_NEVER_ISSUED);
}

TEST_CASE("BIN and PINFL decoding") {
    auto bin = parse_bin("070941024691");
    CHECK(bin.registration_year == 2007);
    CHECK(bin.registration_month == 9);
    CHECK(bin.entity_type == 4);
    CHECK(bin.attribute == 1);
    CHECK(attribute_name(bin.attribute) == "branch");
    CHECK(parse_bin("940140000385").registration_year == 1994);
    auto p = parse_pinfl("31505852640177");
    CHECK(p.birth_date == std::chrono::year{1985} / 5 / 15);
    CHECK(p.sex == Sex::Male);
    CHECK(p.district == 264);
}

TEST_CASE("IIN generation round-trips and skips never-issued serials") {
    using namespace std::chrono;
    for (int y : {1850, 1900, 1969, 1999, 2000, 2024, 2099}) {
        for (Sex s : {Sex::Male, Sex::Female}) {
            for (int serial : {0, 1, 77, 4999, 9998}) {
                year_month_day d = year{y} / 2 / 28;
                auto g = generate_iin(d, s, serial);
                CAPTURE(g.digits);
                auto back = parse_iin(g.digits);
                CHECK(back.birth_date == d);
                CHECK(back.sex == s);
                CHECK(back.serial >= serial);
            }
        }
    }
    // 900101300800 and 900101300805 have undefined check digits: serial 80 is skipped.
    auto g = generate_iin(year{1990} / 1 / 1, Sex::Male, 80);
    CHECK(g.serial == 81);
    CHECK(g.digits.substr(0, 11) == "90010130081");
    CHECK(test::error_of([] { generate_iin(year{1990} / 2 / 30, Sex::Male, 1); }) == ErrorCode::ID_BAD_DATE);
    CHECK(test::error_of([] { generate_iin(year{1990} / 1 / 1, Sex::Male, 10000); }) == ErrorCode::ID_BAD_SERIAL);
}

TEST_CASE("every generated serial over a whole day is valid or skipped, never wrong") {
    using namespace std::chrono;
    int issued = 0;
    int serial = 0;
    while (serial <= 9999) {
        Iin g;
        try {
            g = generate_iin(year{2001} / 9 / 11, Sex::Female, serial);
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::ID_BAD_SERIAL);
            break;
        }
        CHECK(check_iin(g.digits).valid());
        ++issued;
        serial = g.serial + 1;
    }
    // About one serial in eleven... times one in eleven has both passes 10: nearly all issue.
    CHECK(issued > 9800);
    CHECK(issued < 10000);
}
