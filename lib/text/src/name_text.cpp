#include "tanba/text/name_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <optional>

namespace tanba::text {
namespace {

std::string code_point(UChar32 c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

// Controls (Cc) and invisible formatting (Cf: zero-width, bidi overrides, soft hyphen).
bool invisible(UChar32 c) {
    const int8_t type = u_charType(c);
    return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || c == 0x2028 || c == 0x2029;
}

bool space(UChar32 c) { return u_isUWhiteSpace(c) && !invisible(c); }

bool nfc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    const auto s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    const bool normal = n->isNormalized(s, status);
    return U_SUCCESS(status) && normal;
}

// The script of a letter, or nullopt for what belongs to none (digits, punctuation, ʻ and ’,
// combining marks inherit the letter's).
std::optional<UScriptCode> script_of(UChar32 c) {
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode s = uscript_getScript(c, &status);
    if (U_FAILURE(status) || s == USCRIPT_COMMON || s == USCRIPT_INHERITED || s == USCRIPT_UNKNOWN) return std::nullopt;
    return s;
}

}  // namespace

std::vector<NameTextProblem> check_name_text(std::string_view utf8) {
    std::vector<NameTextProblem> out;
    std::vector<UChar32> chars;
    for (int32_t i = 0; i < static_cast<int32_t>(utf8.size());) {
        UChar32 c;
        U8_NEXT(utf8.data(), i, static_cast<int32_t>(utf8.size()), c);
        if (c < 0) return {{ErrorCode::NAME_NOT_UTF8, "invalid byte sequence before byte " + std::to_string(i)}};
        chars.push_back(c);
    }
    for (std::size_t k = 0; k < chars.size(); ++k)
        if (invisible(chars[k])) {
            out.push_back({ErrorCode::NAME_CONTROL_CHARACTER, code_point(chars[k]) + " at character " + std::to_string(k + 1)});
            break;
        }
    if (!chars.empty() && (space(chars.front()) || space(chars.back())))
        out.push_back({ErrorCode::NAME_PADDING, space(chars.front()) ? "leading space" : "trailing space"});
    for (std::size_t k = 1; k < chars.size(); ++k)
        if (space(chars[k]) && space(chars[k - 1])) {
            out.push_back({ErrorCode::NAME_PADDING, "doubled space at character " + std::to_string(k)});
            break;
        }
    if (!nfc(utf8)) out.push_back({ErrorCode::NAME_NOT_NFC, "write it composed (NFC)"});
    // One script per word (a word: letters between spaces, hyphens and punctuation of no script).
    constexpr int kNone = -1;
    int word_script = kNone;
    std::size_t word_start = 0;
    for (std::size_t k = 0; k < chars.size(); ++k) {
        const auto s = script_of(chars[k]);
        if (!s) {
            if (!u_hasBinaryProperty(chars[k], UCHAR_ALPHABETIC) && u_charType(chars[k]) != U_MODIFIER_LETTER)
                word_script = kNone, word_start = k + 1;
            continue;
        }
        if (word_script != kNone && word_script != *s) {
            out.push_back({ErrorCode::NAME_MIXED_SCRIPT, std::string(uscript_getName(static_cast<UScriptCode>(word_script))) + " and " +
                                                             uscript_getName(*s) + " in the word at character " + std::to_string(word_start + 1)});
            break;
        }
        word_script = *s;
    }
    return out;
}

void require_name_text(std::string_view field, std::string_view utf8) {
    const auto problems = check_name_text(utf8);
    if (!problems.empty()) throw Error(problems.front().code, std::string(field) + ": " + problems.front().detail);
}

}  // namespace tanba::text
