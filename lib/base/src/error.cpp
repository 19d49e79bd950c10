#include "tanba/base/error.hpp"

#include <array>

namespace tanba {
namespace {

constexpr std::array kCodes{
#define TANBA_ERROR(num, name, retry, msg) ErrorCodeInfo{ErrorCode::name, #name, retry, msg},
#include "tanba/base/error_codes.def"
#undef TANBA_ERROR
};

std::string compose(ErrorCode code, const std::string& context) {
    std::string out{to_string(code)};
    out += ": ";
    out += info(code).message;
    if (!context.empty()) {
        out += " (";
        out += context;
        out += ")";
    }
    return out;
}

}  // namespace

std::span<const ErrorCodeInfo> all_error_codes() { return kCodes; }

const ErrorCodeInfo& info(ErrorCode code) {
    for (const auto& c : kCodes)
        if (c.code == code) return c;
    return kCodes.front();  // INTERNAL
}

std::string_view to_string(ErrorCode code) { return info(code).name; }

bool error_code_from_string(std::string_view name, ErrorCode& out) {
    for (const auto& c : kCodes) {
        if (c.name == name) {
            out = c.code;
            return true;
        }
    }
    return false;
}

Error::Error(ErrorCode code, std::string context, std::vector<std::string> causes)
    : std::runtime_error(compose(code, context)),
      code_(code),
      context_(std::move(context)),
      causes_(std::move(causes)) {}

}  // namespace tanba
