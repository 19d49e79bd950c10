#pragma once
// The text of a person's or organisation's name, as a CA must judge it before it certifies
// it: no control characters, no padding, Unicode NFC (И + U+0306 is not Й), no word mixing
// scripts (Latin T with Cyrillic ЕСТОВА). Kazakh Cyrillic (ӘҒҚҢӨҰҮҺІ), the 2021 Kazakh Latin
// alphabet and Uzbek Latin with ʻ or ’ (Oʻzbekiston) are valid.
#include <string>
#include <string_view>
#include <vector>

#include "tanba/base/error.hpp"

namespace tanba::text {

struct NameTextProblem {
    ErrorCode code;      // NAME_NOT_UTF8, NAME_CONTROL_CHARACTER, NAME_PADDING, NAME_NOT_NFC, NAME_MIXED_SCRIPT
    std::string detail;  // what and where, e.g. "U+0009 at character 6"
};

/// Every problem of one value (empty when it is fine). Pure, thread-safe.
std::vector<NameTextProblem> check_name_text(std::string_view utf8);

/// Throws the first problem's code, naming `field` ("surname", "CN").
void require_name_text(std::string_view field, std::string_view utf8);

}  // namespace tanba::text
