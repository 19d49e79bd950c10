#pragma once
// National identifiers as JSON: what `tanba id check|show --json`, the C API and the Python
// package print, from one place.
#include <string_view>

#include <nlohmann/json.hpp>

#include "tanba/ident/identifiers.hpp"

namespace tanba::ident {

/// The decoded fields of a valid identifier: {"id", "type"} and, by type, birthDate
/// (YYYY-MM-DD), sex, serial (IIN); registrationYear, registrationMonth, entityType(Name),
/// attribute(Name), serial (BIN); birthDate, sex, district, serial (PINFL); holder (TIN).
/// Throws the identifier's error code when it is not valid for `type`.
nlohmann::ordered_json decoded_json(std::string_view id, IdType type);

/// A check's verdict: {"id", "type", "valid", "code"} with code "OK" or the stable reason and,
/// when invalid, "message".
nlohmann::ordered_json check_json(std::string_view id, const CheckResult& result);

}  // namespace tanba::ident
