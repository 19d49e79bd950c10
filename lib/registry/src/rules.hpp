#pragma once
// What the registry's source files share: input rules, and the CA's certificates of a person.
#include <chrono>
#include <string>
#include <vector>

#include "tanba/ca/authority.hpp"

namespace tanba::registry::detail {

/// Throws REGISTRY_INPUT_INVALID with `what`.
[[noreturn]] void bad(const std::string& what);
/// YYYY-MM-DD, a real date; REGISTRY_INPUT_INVALID naming the field otherwise.
std::chrono::year_month_day parse_date(const std::string& field, const std::string& value);
/// 1–100 bytes of UTF-8 without control characters (empty allowed unless required).
void require_name(const std::string& field, const std::string& value, bool required);
/// The CA's certificates of a person (at a BIN, when given) in that state.
std::vector<ca::ListedCertificate> certificates_of(ca::CertificateAuthority& ca, const std::string& iin, ca::CertificateState state,
                                                   const std::string& bin = {});

}  // namespace tanba::registry::detail
