#include "tanba/ident/identifiers.hpp"

#include <algorithm>
#include <cstdio>

namespace tanba::ident {
using namespace std::chrono;

namespace {

int d(std::string_view s, std::size_t i) { return s[i] - '0'; }
int num(std::string_view s, std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + d(s, i);
    return v;
}
bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Century/sex digit shared by IIN (7th digit) and PINFL (1st digit): 1/2 18xx, 3/4 19xx, 5/6 20xx.
bool century_ok(int c) { return c >= 1 && c <= 6; }
int century_base(int c) { return 1800 + (c - 1) / 2 * 100; }
Sex sex_of(int c) { return c % 2 == 1 ? Sex::Male : Sex::Female; }

// Structural check common to every type: length and digits.
std::optional<ErrorCode> shape(std::string_view s, std::size_t len) {
    if (s.size() != len) return ErrorCode::ID_BAD_LENGTH;
    if (!all_digits(s)) return ErrorCode::ID_NOT_DIGITS;
    return std::nullopt;
}

std::optional<ErrorCode> kz_check_digit(std::string_view s) {
    auto cd = kz_mod11(s).check_digit();
    if (!cd) return ErrorCode::ID_NEVER_ISSUED;
    if (*cd != d(s, 11)) return ErrorCode::ID_BAD_CHECK_DIGIT;
    return std::nullopt;
}

year_month_day iin_date(std::string_view s) {
    return year{century_base(d(s, 6)) + num(s, 0, 2)} / month{static_cast<unsigned>(num(s, 2, 2))} /
           day{static_cast<unsigned>(num(s, 4, 2))};
}

year_month_day pinfl_date(std::string_view s) {
    return year{century_base(d(s, 0)) + num(s, 5, 2)} / month{static_cast<unsigned>(num(s, 3, 2))} /
           day{static_cast<unsigned>(num(s, 1, 2))};
}

CheckResult result(IdType t, std::optional<ErrorCode> f) { return {t, f}; }

// How far an IIN/BIN check got before failing, to pick the likelier type in check_auto.
int progress(ErrorCode c) {
    switch (c) {
        case ErrorCode::ID_BAD_CENTURY:
        case ErrorCode::ID_BAD_MONTH: return 1;
        case ErrorCode::ID_BAD_ENTITY_TYPE: return 2;
        case ErrorCode::ID_BAD_ATTRIBUTE:
        case ErrorCode::ID_BAD_DATE: return 3;
        default: return 4;
    }
}

}  // namespace

std::string_view to_string(IdType t) {
    switch (t) {
        case IdType::Iin: return "iin";
        case IdType::Bin: return "bin";
        case IdType::Pinfl: return "pinfl";
        case IdType::Tin: return "tin";
    }
    return "?";
}

std::string_view to_string(Sex s) { return s == Sex::Male ? "male" : "female"; }

std::optional<IdType> id_type_from_string(std::string_view s) {
    if (s == "iin") return IdType::Iin;
    if (s == "bin") return IdType::Bin;
    if (s == "pinfl") return IdType::Pinfl;
    if (s == "tin") return IdType::Tin;
    return std::nullopt;
}

std::optional<int> Mod11::check_digit() const {
    if (pass1 != 10) return pass1;
    if (pass2 != 10) return pass2;
    return std::nullopt;
}

Mod11 kz_mod11(std::string_view s) {
    int a = 0, b = 0;
    for (int i = 0; i < 11; ++i) {
        a += d(s, static_cast<std::size_t>(i)) * (i + 1);
        b += d(s, static_cast<std::size_t>(i)) * ((i + 2) % 11 + 1);
    }
    return {a % 11, b % 11};
}

int pinfl_check_digit(std::string_view s) {
    static constexpr int kWeights[3] = {7, 3, 1};
    int sum = 0;
    for (std::size_t i = 0; i < 13; ++i) sum += d(s, i) * kWeights[i % 3];
    return sum % 10;
}

CheckResult check_iin(std::string_view s) {
    if (auto f = shape(s, 12)) return result(IdType::Iin, f);
    if (!century_ok(d(s, 6))) return result(IdType::Iin, ErrorCode::ID_BAD_CENTURY);
    if (!iin_date(s).ok()) return result(IdType::Iin, ErrorCode::ID_BAD_DATE);
    return result(IdType::Iin, kz_check_digit(s));
}

CheckResult check_bin(std::string_view s) {
    if (auto f = shape(s, 12)) return result(IdType::Bin, f);
    int m = num(s, 2, 2);
    if (m < 1 || m > 12) return result(IdType::Bin, ErrorCode::ID_BAD_MONTH);
    if (d(s, 4) < 4 || d(s, 4) > 6) return result(IdType::Bin, ErrorCode::ID_BAD_ENTITY_TYPE);
    if (d(s, 5) > 3) return result(IdType::Bin, ErrorCode::ID_BAD_ATTRIBUTE);
    return result(IdType::Bin, kz_check_digit(s));
}

CheckResult check_pinfl(std::string_view s) {
    if (auto f = shape(s, 14)) return result(IdType::Pinfl, f);
    if (!century_ok(d(s, 0))) return result(IdType::Pinfl, ErrorCode::ID_BAD_CENTURY);
    if (!pinfl_date(s).ok()) return result(IdType::Pinfl, ErrorCode::ID_BAD_DATE);
    if (num(s, 7, 3) == 0) return result(IdType::Pinfl, ErrorCode::ID_BAD_DISTRICT);
    if (pinfl_check_digit(s) != d(s, 13)) return result(IdType::Pinfl, ErrorCode::ID_BAD_CHECK_DIGIT);
    return result(IdType::Pinfl, std::nullopt);
}

CheckResult check_tin(std::string_view s) {
    if (auto f = shape(s, 9)) return result(IdType::Tin, f);
    if (d(s, 0) < 2 || d(s, 0) > 7) return result(IdType::Tin, ErrorCode::ID_BAD_TIN_PREFIX);
    return result(IdType::Tin, std::nullopt);
}

CheckResult check_auto(std::string_view s) {
    if (s.size() == 14) return check_pinfl(s);
    if (s.size() == 9) return check_tin(s);
    if (s.size() != 12) return {IdType::Iin, ErrorCode::ID_UNKNOWN_TYPE};
    auto iin = check_iin(s);
    if (iin.valid()) return iin;
    auto bin = check_bin(s);
    if (bin.valid()) return bin;
    return progress(*bin.failure) > progress(*iin.failure) ? bin : iin;
}

CheckResult check(std::string_view s, IdType type) {
    switch (type) {
        case IdType::Iin: return check_iin(s);
        case IdType::Bin: return check_bin(s);
        case IdType::Pinfl: return check_pinfl(s);
        case IdType::Tin: return check_tin(s);
    }
    return check_auto(s);
}

namespace {
void require(const CheckResult& r, std::string_view s) {
    if (!r.valid())
        throw Error(*r.failure, std::string(to_string(r.type)) + " '" + std::string(s) + "'");
}
}  // namespace

Iin parse_iin(std::string_view s) {
    require(check_iin(s), s);
    return Iin{std::string(s), iin_date(s), sex_of(d(s, 6)), num(s, 7, 4)};
}

Bin parse_bin(std::string_view s) {
    require(check_bin(s), s);
    int yy = num(s, 0, 2);
    return Bin{std::string(s), yy <= 50 ? 2000 + yy : 1900 + yy, static_cast<unsigned>(num(s, 2, 2)),
               d(s, 4), d(s, 5), num(s, 6, 5)};
}

Pinfl parse_pinfl(std::string_view s) {
    require(check_pinfl(s), s);
    return Pinfl{std::string(s), pinfl_date(s), sex_of(d(s, 0)), num(s, 7, 3), num(s, 10, 3)};
}

std::string_view entity_type_name(int t) {
    switch (t) {
        case 4: return "resident legal entity";
        case 5: return "non-resident legal entity";
        case 6: return "individual entrepreneur (joint entrepreneurship)";
    }
    return "unknown";
}

std::string_view attribute_name(int a) {
    switch (a) {
        case 0: return "head unit";
        case 1: return "branch";
        case 2: return "representative office";
        case 3: return "peasant or farm enterprise (joint entrepreneurship)";
    }
    return "unknown";
}

Iin generate_iin(year_month_day birth, Sex sex, int serial) {
    int y = int(birth.year());
    if (!birth.ok() || y < 1800 || y > 2099)
        throw Error(ErrorCode::ID_BAD_DATE, "birth date must be a real date in 1800..2099");
    if (serial < 0 || serial > 9999) throw Error(ErrorCode::ID_BAD_SERIAL, "serial must be 0..9999");
    int century_digit = (y - 1800) / 100 * 2 + (sex == Sex::Male ? 1 : 2);
    for (int s = serial; s <= 9999; ++s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d%02u%02u%d%04d", y % 100, unsigned(birth.month()), unsigned(birth.day()),
                      century_digit, s);
        auto cd = kz_mod11(buf).check_digit();
        if (!cd) continue;  // never issued: take the next serial
        std::string digits = std::string(buf) + char('0' + *cd);
        return Iin{digits, birth, sex, s};
    }
    throw Error(ErrorCode::ID_BAD_SERIAL, "no issuable serial from " + std::to_string(serial) + " to 9999");
}

Bin generate_bin(int year, unsigned month, int entity_type, int attribute, int serial) {
    if (year < 1951 || year > 2050) throw Error(ErrorCode::ID_BAD_DATE, "a BIN's registration year is 1951..2050");
    if (month < 1 || month > 12) throw Error(ErrorCode::ID_BAD_MONTH, "month must be 1..12");
    if (entity_type < 4 || entity_type > 6) throw Error(ErrorCode::ID_BAD_ENTITY_TYPE, "entity type must be 4, 5 or 6");
    if (attribute < 0 || attribute > 3) throw Error(ErrorCode::ID_BAD_ATTRIBUTE, "attribute must be 0..3");
    if (serial < 0 || serial > 99999) throw Error(ErrorCode::ID_BAD_SERIAL, "serial must be 0..99999");
    for (int s = serial; s <= 99999; ++s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d%02u%d%d%05d", year % 100, month, entity_type, attribute, s);
        auto cd = kz_mod11(buf).check_digit();
        if (!cd) continue;  // never issued: take the next serial
        return Bin{std::string(buf) + char('0' + *cd), year, month, entity_type, attribute, s};
    }
    throw Error(ErrorCode::ID_BAD_SERIAL, "no issuable serial from " + std::to_string(serial) + " to 99999");
}

CheckResult check(std::string_view text, std::string_view kind) {
    if (kind == "auto") return check_auto(text);
    if (const auto type = id_type_from_string(kind)) return check(text, *type);
    throw Error(ErrorCode::INVALID_ARGUMENT, "kind is iin, bin, pinfl, tin or auto, not \"" + std::string(kind) + "\"");
}

}  // namespace tanba::ident
