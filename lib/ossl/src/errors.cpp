#include "tanba/ossl/errors.hpp"

#include <openssl/err.h>

namespace tanba::ossl {

std::vector<std::string> drain_errors() {
    std::vector<std::string> out;
    const char* data = nullptr;
    int flags = 0;
    unsigned long e;
    while ((e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        std::string line = buf;
        if (data && (flags & ERR_TXT_STRING) && *data) {
            line += " (";
            line += data;
            line += ")";
        }
        out.push_back(std::move(line));
    }
    return out;
}

void clear_errors() { ERR_clear_error(); }

Error error(ErrorCode code, std::string context) { return Error(code, std::move(context), drain_errors()); }

}  // namespace tanba::ossl
