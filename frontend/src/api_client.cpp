// The /api/v1 client: JSON in and out, problem+json answers thrown with the server's code.
#include "tanba/frontend/api_client.hpp"

#include <nlohmann/json.hpp>

namespace tanba::frontend {
namespace {

nlohmann::json parse(const std::string& body, const std::string& what) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(ErrorCode::FETCH_FAILED, what + ": the answer is not a JSON object");
    return j;
}

std::string text(const nlohmann::json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ApiClient::ApiClient(net::HttpClient& http, std::string base_url, std::string session, net::HttpLimits limits)
    : http_(http), base_(std::move(base_url)), session_(std::move(session)), limits_(limits) {
    while (base_.ends_with('/')) base_.pop_back();
}

std::string ApiClient::call(const std::string& method, const std::string& path, const std::string& json_body,
                            const std::vector<std::pair<std::string, std::string>>& headers) {
    net::HttpRequest req{method, base_ + path, Bytes(json_body.begin(), json_body.end()), "application/json", headers};
    req.headers.emplace_back("Authorization", "Bearer " + session_);
    const auto r = http_.exchange(req, limits_);
    std::string body(r.body.begin(), r.body.end());
    if (r.status >= 200 && r.status < 300) return body;
    const std::string what = method + " " + path;
    if (r.content_type.starts_with("application/problem+json")) {
        const auto p = parse(body, what);
        ErrorCode code{};
        if (error_code_from_string(text(p, "code"), code)) throw Error(code, what + ": " + text(p, "detail"));
    }
    throw Error(ErrorCode::FETCH_FAILED, what + ": HTTP " + std::to_string(r.status));
}

std::vector<std::string> ApiClient::operator_roles() {
    const std::string path = "/api/v1/auth/session";
    const auto j = parse(call("GET", path, ""), path);
    std::vector<std::string> out;
    if (const auto it = j.find("operatorRoles"); it != j.end() && it->is_array())
        for (const auto& r : *it)
            if (r.is_string()) out.push_back(r.get<std::string>());
    return out;
}

PersonSummary ApiClient::person(const std::string& iin) {
    const std::string path = "/api/v1/persons/" + iin;
    const auto j = parse(call("GET", path, ""), path);
    return {text(j, "iin"), text(j, "status"), text(j, "surname"), text(j, "givenName"), text(j, "patronymic")};
}

IssuedCertificate ApiClient::order_certificate(const std::string& iin, const std::string& profile, const x509::CertificateRequest& csr,
                                               const std::string& idempotency_key) {
    const std::string path = "/api/v1/persons/" + iin + "/certificates";
    std::vector<std::pair<std::string, std::string>> headers;
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    const auto j = parse(call("POST", path, nlohmann::json{{"csr", csr.pem()}, {"profile", profile}}.dump(), headers), path);
    const auto pem = text(j, "certificate"), chain = text(j, "chain");
    return {text(j, "serial"), x509::Certificate::load(as_bytes(pem)), x509::Certificate::load_all(as_bytes(chain))};
}

}  // namespace tanba::frontend
