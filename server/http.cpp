#include "http.hpp"

#include <nlohmann/json.hpp>

namespace tanba::server {

unsigned http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::HTTP_BAD_REQUEST:
        case ErrorCode::HTTP_FRAMING_INVALID:
        case ErrorCode::API_JSON_INVALID:
        case ErrorCode::AUTH_TOKEN_INVALID:
        case ErrorCode::AUTH_SIGNERS_INVALID:
        case ErrorCode::AUTH_TOKEN_FORMAT_UNSUPPORTED:
        case ErrorCode::AUTH_ALGORITHM_UNSUPPORTED:
        case ErrorCode::REGISTRY_INPUT_INVALID:
        case ErrorCode::INVALID_ARGUMENT:
        case ErrorCode::DECODE_FAILED:
        case ErrorCode::CERT_DECODE_FAILED:
        case ErrorCode::CSR_DECODE_FAILED:
        case ErrorCode::CMS_DECODE_FAILED:
        case ErrorCode::OCSP_REQUEST_INVALID:
        case ErrorCode::TSP_DECODE_FAILED:
        case ErrorCode::OIDC_INVALID_REQUEST:
        case ErrorCode::OIDC_CLIENT_UNKNOWN:
        case ErrorCode::OIDC_REDIRECT_URI_MISMATCH:
        case ErrorCode::OIDC_INVALID_GRANT:
        case ErrorCode::OIDC_UNSUPPORTED_GRANT_TYPE:
        case ErrorCode::OIDC_UNSUPPORTED_RESPONSE_TYPE:
        case ErrorCode::OIDC_INVALID_SCOPE:
        case ErrorCode::OIDC_CLIENT_INVALID: return 400;
        case ErrorCode::AUTH_NONCE_UNKNOWN:
        case ErrorCode::AUTH_NONCE_EXPIRED:
        case ErrorCode::AUTH_NONCE_MISMATCH:
        case ErrorCode::AUTH_TIMESTAMP_OUT_OF_WINDOW:
        case ErrorCode::AUTH_SIGNATURE_INVALID:
        case ErrorCode::AUTH_CERT_NOT_FOR_LOGIN:
        case ErrorCode::AUTH_CERT_UNTRUSTED:
        case ErrorCode::AUTH_CERT_REVOKED:
        case ErrorCode::AUTH_CERT_STATUS_UNKNOWN:
        case ErrorCode::AUTH_SIGNING_CERT_MISMATCH:
        case ErrorCode::AUTH_SESSION_INVALID:
        case ErrorCode::OIDC_INVALID_CLIENT:
        case ErrorCode::OIDC_INVALID_TOKEN: return 401;
        case ErrorCode::AUTH_FORBIDDEN:
        case ErrorCode::REGISTRY_SAME_PERSON: return 403;
        case ErrorCode::REGISTRY_PERSON_NOT_FOUND:
        case ErrorCode::REGISTRY_CERTIFICATE_NOT_FOUND:
        case ErrorCode::REGISTRY_ENTITY_NOT_FOUND:
        case ErrorCode::OIDC_NOT_CONFIGURED: return 404;
        case ErrorCode::REGISTRY_DUPLICATE_DOCUMENT:
        case ErrorCode::REGISTRY_IIN_EXISTS:
        case ErrorCode::REGISTRY_STATE_INVALID:
        case ErrorCode::CA_IDEMPOTENCY_CONFLICT:
        case ErrorCode::CA_REQUEST_INCOMPLETE:
        case ErrorCode::CA_ALREADY_REVOKED:
        case ErrorCode::REGISTRY_ROLE_EXISTS:
        case ErrorCode::OIDC_CLIENT_EXISTS: return 409;
        // Well-formed requests the CA's rules refuse.
        case ErrorCode::CSR_BAD_SIGNATURE:
        case ErrorCode::CSR_POLICY:
        case ErrorCode::PROFILE_NOT_FOUND:
        case ErrorCode::NAME_INVALID:
        case ErrorCode::NAME_NOT_UTF8:
        case ErrorCode::NAME_CONTROL_CHARACTER:
        case ErrorCode::NAME_PADDING:
        case ErrorCode::NAME_NOT_NFC:
        case ErrorCode::NAME_MIXED_SCRIPT:
        case ErrorCode::LINT_FAILED:
        case ErrorCode::IDENTIFIER_INVALID:
        case ErrorCode::KEY_UNSUPPORTED:
        case ErrorCode::KEY_WEAK:
        case ErrorCode::REGISTRY_CSR_MISMATCH:
        case ErrorCode::REGISTRY_PROFILE_NOT_ALLOWED:
        case ErrorCode::REGISTRY_NOT_EMPLOYEE: return 422;
        case ErrorCode::INPUT_TOO_LARGE: return 413;
        case ErrorCode::REGISTRY_NO_ISSUER: return 501;
        case ErrorCode::HTTP_NOT_FOUND: return 404;
        case ErrorCode::HTTP_METHOD_NOT_ALLOWED: return 405;
        case ErrorCode::HTTP_REQUEST_TIMEOUT: return 408;
        case ErrorCode::HTTP_BODY_TOO_LARGE: return 413;
        case ErrorCode::HTTP_URI_TOO_LONG: return 414;
        case ErrorCode::HTTP_UNSUPPORTED_MEDIA_TYPE: return 415;
        case ErrorCode::AUTH_RATE_LIMITED: return 429;
        case ErrorCode::HTTP_HEADER_TOO_LARGE: return 431;
        case ErrorCode::HTTP_NOT_IMPLEMENTED: return 501;
        default: return info(code).retryable ? 503 : 500;
    }
}

HttpResponse problem(ErrorCode code, const std::string& detail) {
    const auto& i = info(code);
    const unsigned status = http_status(code);
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
    if (status == 503 || status == 429) r.headers.emplace_back("Retry-After", "1");
    if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
}

std::string bearer(const HttpRequest& req) {
    constexpr std::string_view kScheme = "Bearer ";
    const std::string_view a = req.authorization;
    if (!a.starts_with(kScheme)) throw Error(ErrorCode::AUTH_SESSION_INVALID, "no Authorization: Bearer session");
    return std::string(a.substr(kScheme.size()));
}

HttpResponse not_allowed(const HttpRequest& req, const char* allow) {
    auto r = problem(ErrorCode::HTTP_METHOD_NOT_ALLOWED, req.method + " is not allowed on " + req.target);
    r.headers.emplace_back("Allow", allow);
    return r;
}

}  // namespace tanba::server
