#include "http.hpp"

#include <nlohmann/json.hpp>

namespace tanba::server {

HttpResponse problem(unsigned status, ErrorCode code, const std::string& detail) {
    const auto& i = info(code);
    nlohmann::ordered_json j{{"type", "urn:tanba:error:" + std::string(i.name)},
                             {"title", i.message},
                             {"status", status},
                             {"detail", detail},
                             {"code", i.name},
                             {"number", static_cast<int>(code)}};
    HttpResponse r;
    r.status = status;
    r.content_type = "application/problem+json";
    r.body = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    r.code = std::string(i.name);
    if (i.retryable && status >= 500) r.headers.emplace_back("Retry-After", "1");
    return r;
}

}  // namespace tanba::server
