// /api/v1/…: the identification server's JSON API. Parses, calls lib/auth, answers; the
// rules live in the library.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "routes.hpp"

namespace tanba::server {
namespace {

HttpResponse json(unsigned status, const nlohmann::json& body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = body.dump() + "\n";
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

nlohmann::json body_of(const HttpRequest& req) {
    if (req.content_type != "application/json")
        throw Error(ErrorCode::HTTP_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json, not '" + req.content_type + "'");
    auto j = nlohmann::json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(ErrorCode::API_JSON_INVALID, "the body is not a JSON object");
    return j;
}

std::string bearer(const HttpRequest& req) {
    constexpr std::string_view kScheme = "Bearer ";
    const std::string_view a = req.authorization;
    if (!a.starts_with(kScheme)) throw Error(ErrorCode::AUTH_SESSION_INVALID, "no Authorization: Bearer session");
    return std::string(a.substr(kScheme.size()));
}

nlohmann::json identity_json(const auth::Identity& id) {
    return {{"iin", id.iin},         {"bin", id.bin},
            {"surname", id.surname}, {"givenName", id.given_name},
            {"patronymic", id.patronymic}, {"roles", id.roles},
            {"certificateSerial", id.certificate_serial}};
}

}  // namespace

HttpResponse Router::api(HttpRequest& req, std::string_view path) {
    auth::LoginService* login = services_.login();
    if (!login) return problem(ErrorCode::HTTP_NOT_FOUND, "this server has no identity store (--store, --origin)");
    const bool post = req.method == "POST";
    try {
        if (path == "/api/v1/auth/challenge" || path == "/api/v1/auth/login") {
            if (!post) return not_allowed(req, "POST");
            if (!auth_limit_.allow(req.address)) return problem(ErrorCode::AUTH_RATE_LIMITED, "too many challenges and logins from " + req.address);
            if (path == "/api/v1/auth/challenge") {
                const auto c = login->challenge();
                return json(200, {{"nonce", c.nonce}, {"expiresAt", format_rfc3339(c.expires_at)}});
            }
            const auto body = body_of(req);
            const auto nonce = body.find("nonce");
            const auto token = body.find("token");
            if (nonce == body.end() || !nonce->is_string() || token == body.end() || !(token->is_object() || token->is_string()))
                throw Error(ErrorCode::API_JSON_INVALID, "a login is {\"nonce\": string, \"token\": {…}}");
            try {
                const auto s = login->login(token->is_string() ? token->get<std::string>() : token->dump(), nonce->get<std::string>());
                metrics_.login("ok");
                auto out = identity_json(s.identity);
                out["session"] = s.token;
                out["expiresAt"] = format_rfc3339(s.expires_at);
                return json(200, out);
            } catch (const Error& e) {
                metrics_.login(std::string(to_string(e.code())));
                throw;
            }
        }
        if (path == "/api/v1/auth/logout") {
            if (!post) return not_allowed(req, "POST");
            login->logout(bearer(req));
            HttpResponse r;
            r.status = 204;
            return r;
        }
        if (path == "/api/v1/auth/session") {
            if (req.method != "GET") return not_allowed(req, "GET");
            return json(200, identity_json(login->session(bearer(req))));
        }
    } catch (const Error& e) {
        if (info(e.code()).retryable || e.code() == ErrorCode::INTERNAL) throw;  // the router logs and answers
        return problem(e.code(), e.context());
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

}  // namespace tanba::server
