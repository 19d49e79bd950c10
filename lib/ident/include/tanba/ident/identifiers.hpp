#pragma once
// Unified e-government identifiers: Kazakhstan IIN (individuals) and BIN (legal entities),
// Uzbekistan PINFL (individuals) and TIN / STIR (9 digits; its check digit is not public, so the
// format only). Algorithms: docs/identifiers.md.
//
// Contract: check_*() never throw for bad input; they return the first failed rule with a
// stable code (checked in a fixed order: length, digits, structure digits, date, check digit).
// parse_*() return an immutable decoded value or throw tanba::Error with that same code.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tanba/base/error.hpp"

namespace tanba::ident {

enum class IdType { Iin, Bin, Pinfl, Tin };
enum class Sex { Male, Female };

std::string_view to_string(IdType t);   ///< "iin", "bin", "pinfl", "tin"
std::string_view to_string(Sex s);      ///< "male", "female"
std::optional<IdType> id_type_from_string(std::string_view s);  ///< "iin", "bin", "pinfl", "tin" → the type; nullopt otherwise.

/// Outcome of checking one identifier.
struct CheckResult {
    IdType type;
    std::optional<ErrorCode> failure;  ///< empty when valid
    bool valid() const { return !failure.has_value(); }  ///< No failure.
};

/// The two mod-11 passes over the first 11 digits of an IIN/BIN (weights 1..11, then 3..11,1,2).
struct Mod11 {
    int pass1;
    int pass2;
    /// The check digit, or nullopt when both passes give 10 (never issued).
    std::optional<int> check_digit() const;
};
/// digits11 must be at least 11 ASCII digits; only the first 11 are used.
Mod11 kz_mod11(std::string_view digits11);

/// Uzbek PINFL check digit: sum of the first 13 digits weighted 7,3,1,... mod 10.
int pinfl_check_digit(std::string_view digits13);

struct Iin {
    std::string digits;                          ///< 12 digits
    std::chrono::year_month_day birth_date;
    Sex sex;
    int serial;                                  ///< digits 8-11
};

struct Bin {
    std::string digits;                          ///< 12 digits
    int registration_year;                       ///< 4 digits: yy <= 50 -> 20yy, else 19yy
    unsigned registration_month;
    int entity_type;                             ///< 4 resident, 5 non-resident, 6 joint entrepreneurship
    int attribute;                               ///< 0 head unit, 1 branch, 2 representative office, 3 farm
    int serial;                                  ///< digits 7-11
};

struct Pinfl {
    std::string digits;                          ///< 14 digits
    std::chrono::year_month_day birth_date;
    Sex sex;
    int district;                                ///< digits 8-10
    int serial;                                  ///< digits 11-13
};

CheckResult check_iin(std::string_view text);  ///< Kazakh IIN: 12 digits, birth date, century/sex digit, check digit.
CheckResult check_bin(std::string_view text);  ///< Kazakh BIN: 12 digits, registration date, entity type and attribute, check digit.
CheckResult check_pinfl(std::string_view text);  ///< Uzbek PINFL: 14 digits, birth date, sex digit, check digit.
/// Uzbek TIN: 9 digits, the first 2..7 (legal entities 2xx/3xx, individuals 4xx..7xx).
CheckResult check_tin(std::string_view text);
/// Detects the type (14 digits: PINFL; 12: IIN or BIN, whichever the digits fit best) and checks.
CheckResult check_auto(std::string_view text);
CheckResult check(std::string_view text, IdType type);  ///< Checks text as an identifier of the given type.
/// `kind` "iin", "bin", "pinfl", "tin", or "auto" (check_auto). Throws INVALID_ARGUMENT for another kind.
CheckResult check(std::string_view text, std::string_view kind);

Iin parse_iin(std::string_view text);  ///< The decoded IIN; throws its failure code when invalid.
Bin parse_bin(std::string_view text);  ///< The decoded BIN; throws its failure code when invalid.
Pinfl parse_pinfl(std::string_view text);  ///< The decoded PINFL; throws its failure code when invalid.

std::string_view entity_type_name(int entity_type);   ///< "resident legal entity", ...
std::string_view attribute_name(int attribute);       ///< "head unit", ...

/// Builds an IIN for a person born on birth_date (1800..2099) with the given sex, starting at
/// serial (0..9999) and skipping serials whose check digit is undefined. Throws ID_BAD_DATE,
/// ID_BAD_SERIAL (serial out of range, or none left up to 9999).
Iin generate_iin(std::chrono::year_month_day birth_date, Sex sex, int serial);
/// Builds a BIN registered in year (1951..2050) and month, with the entity-type (4..6) and
/// attribute (0..3) digits, starting at serial (0..99999) and skipping serials whose check
/// digit is undefined. Throws ID_BAD_DATE, ID_BAD_MONTH, ID_BAD_ENTITY_TYPE, ID_BAD_ATTRIBUTE,
/// ID_BAD_SERIAL.
Bin generate_bin(int year, unsigned month, int entity_type, int attribute, int serial);

}  // namespace tanba::ident
