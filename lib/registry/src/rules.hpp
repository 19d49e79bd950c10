#pragma once
// The registry's input rules, shared by its source files.
#include <chrono>
#include <string>

namespace tanba::registry::detail {

/// Throws REGISTRY_INPUT_INVALID with `what`.
[[noreturn]] void bad(const std::string& what);
/// YYYY-MM-DD, a real date; REGISTRY_INPUT_INVALID naming the field otherwise.
std::chrono::year_month_day parse_date(const std::string& field, const std::string& value);
/// 1–100 bytes of UTF-8 without control characters (empty allowed unless required).
void require_name(const std::string& field, const std::string& value, bool required);

}  // namespace tanba::registry::detail
