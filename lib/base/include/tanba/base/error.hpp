#pragma once
// Stable error codes and the one exception type for operational failures.
//
// Contract: every operational failure (I/O, bad input, key, store) is reported by throwing
// tanba::Error carrying a code from error_codes.def. Verification outcomes are never errors:
// they are reports. Messages never contain secrets (passphrases, PINs, key material).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tanba {

enum class ErrorCode : std::uint16_t {
#define TANBA_ERROR(num, name, retry, msg) name = num,
#include "tanba/base/error_codes.def"
#undef TANBA_ERROR
};

struct ErrorCodeInfo {
    ErrorCode code;
    std::string_view name;     ///< stable name, e.g. "ID_BAD_CHECK_DIGIT"
    bool retryable;            ///< the same call may succeed later
    std::string_view message;  ///< default human text
};

/// Every code in table order.
std::span<const ErrorCodeInfo> all_error_codes();
const ErrorCodeInfo& info(ErrorCode code);  ///< The table entry of a code (name, retryable, message).
std::string_view to_string(ErrorCode code);  ///< The stable name of a code, e.g. "CMS_DECODE_FAILED".
/// Looks a code up by its stable name; returns false when unknown.
bool error_code_from_string(std::string_view name, ErrorCode& out);

class Error : public std::runtime_error {
public:
    /// context: what was being done and on what ("reading CA key ca/ca.key").
    /// causes: lower-level detail, typically the captured OpenSSL error queue.
    Error(ErrorCode code, std::string context, std::vector<std::string> causes = {});

    ErrorCode code() const noexcept { return code_; }  ///< The stable code.
    const std::string& context() const noexcept { return context_; }  ///< What was being done, on what.
    const std::vector<std::string>& causes() const noexcept { return causes_; }  ///< Lower-level detail (e.g. OpenSSL's error queue).
    bool retryable() const noexcept { return info(code_).retryable; }  ///< True when the same call may succeed later.

private:
    ErrorCode code_;
    std::string context_;
    std::vector<std::string> causes_;
};

}  // namespace tanba
