// /.well-known/openid-configuration and /oidc/…: the OpenID Connect provider's HTTP face.
// lib/oidc decides; this parses, renders the login page, and answers in OAuth's error shapes.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api_json.hpp"
#include "routes.hpp"

namespace tanba::server {

const std::map<std::string, std::string>& web_html();  // generated from web/*.html
const std::map<std::string, std::string>& web_js();    // generated from web/*.js

namespace {

constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self' ws://127.0.0.1:* "
    "wss://127.0.0.1:*; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

HttpResponse page(unsigned status, std::string html) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Content-Security-Policy", kPageCsp);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    return r;
}

std::string escaped(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

// A request we must not redirect (unknown client, unregistered redirect URI): shown to the user.
HttpResponse error_page(ErrorCode code, const std::string& detail) {
    auto r = page(http_status(code), "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Sign-in error</title><h1>This sign-in "
                                     "request cannot be served</h1><p>" +
                                         escaped(detail) + "</p><p><code>" + std::string(to_string(code)) + "</code></p></html>");
    r.code = std::string(to_string(code));
    return r;
}

HttpResponse redirect(const std::string& location) {
    HttpResponse r;
    r.status = 302;
    r.headers.emplace_back("Location", location);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

// RFC 6749 §5.2 / RFC 6750 §3: {"error", "error_description"}, 401 with WWW-Authenticate for
// a client or token that did not authenticate, else 400.
HttpResponse oauth_problem(const Error& e, const char* scheme) {
    const bool unauthenticated = e.code() == ErrorCode::OIDC_INVALID_CLIENT || e.code() == ErrorCode::OIDC_INVALID_TOKEN;
    auto r = json(unauthenticated ? 401 : 400, {{"error", oidc::oauth_error(e.code())}, {"error_description", e.context()}});
    if (unauthenticated)
        r.headers.emplace_back("WWW-Authenticate", std::string(scheme) + (e.code() == ErrorCode::OIDC_INVALID_TOKEN ? " error=\"invalid_token\"" : ""));
    r.headers.emplace_back("Pragma", "no-cache");
    r.code = std::string(to_string(e.code()));
    return r;
}

std::string form_text(const HttpRequest& req) {
    if (req.content_type != "application/x-www-form-urlencoded")
        throw Error(ErrorCode::OIDC_INVALID_REQUEST, "the body must be application/x-www-form-urlencoded");
    return std::string(req.body.begin(), req.body.end());
}

// Runs a handler; a refusal becomes `refused(e)`, while a retryable or internal failure goes on
// to the router, which logs and answers it.
template <class Handle, class Refused>
HttpResponse refusals_as(Handle&& handle, Refused&& refused) {
    try {
        return handle();
    } catch (const Error& e) {
        if (info(e.code()).retryable || e.code() == ErrorCode::INTERNAL) throw;
        return refused(e);
    }
}

HttpResponse shown(const Error& e) { return error_page(e.code(), e.context()); }

// The page's request: the authorization parameters and where NCALayer listens. In a JSON
// script element: '<' escaped so that no "</script>" can end it.
std::string login_page(const oidc::Params& params, const std::string& ncalayer_url) {
    nlohmann::json p = nlohmann::json::object();
    for (const auto& [name, value] : params) p[name] = value;
    std::string data = nlohmann::json{{"params", p}, {"ncalayer", ncalayer_url}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string safe;
    for (char c : data) safe += c == '<' ? std::string("\\u003c") : std::string(1, c);
    std::string html = web_html().at("login");
    html.replace(html.find("@REQUEST@"), 9, safe);
    return html;
}

}  // namespace

HttpResponse Router::oidc(HttpRequest& req, std::string_view path) {
    auto* provider = services_.oidc();
    if (!provider) return problem(ErrorCode::OIDC_NOT_CONFIGURED, "start the server with --oidc-key and --oidc-subject-secret-file");
    const bool get = req.method == "GET" || req.method == "HEAD", post = req.method == "POST";
    if (path == "/.well-known/openid-configuration" || path == "/oidc/jwks") {
        if (!get) return not_allowed(req, "GET, HEAD");
        auto r = json(200, nlohmann::json::parse(path == "/oidc/jwks" ? provider->jwks() : provider->discovery()));
        r.headers = {{"Cache-Control", "public, max-age=300"}};
        return r;
    }
    if (path == "/oidc/login.js") {
        if (!get) return not_allowed(req, "GET, HEAD");
        HttpResponse r;
        r.content_type = "text/javascript; charset=utf-8";
        r.body = web_js().at("login");
        r.headers.emplace_back("Cache-Control", "no-cache");
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return r;
    }
    if (path == "/oidc/authorize") {  // GET with a query, or POST with a form (OIDC Core §3.1.2.1)
        if (!get && !post) return not_allowed(req, "GET, POST");
        return refusals_as(
            [&] {
                const auto params = oidc::parse_form(post ? form_text(req) : req.target);
                auto checked = provider->authorize(params);
                if (auto* to = std::get_if<std::string>(&checked)) return redirect(*to);
                return page(200, login_page(params, services_.ncalayer_url()));
            },
            shown);
    }
    if (path == "/oidc/authorize/login") {  // the page's card login
        if (!post) return not_allowed(req, "POST");
        if (!auth_limit_.allow(req.address)) return problem(ErrorCode::AUTH_RATE_LIMITED, "too many logins from " + req.address);
        return refusals_as([&] {
            const auto body = body_of(req);
            const auto p = body.find("params");
            if (p == body.end() || !p->is_object()) throw Error(ErrorCode::API_JSON_INVALID, "no \"params\" object");
            oidc::Params params;
            for (const auto& [name, value] : p->items()) {
                if (!value.is_string() || params.size() == 64) throw Error(ErrorCode::API_JSON_INVALID, "\"params\" holds up to 64 strings");
                params.emplace(name, value.get<std::string>());
            }
            const auto [token, nonce] = login_request(body);
            try {
                const auto to = provider->complete(params, token, nonce);
                metrics_.login("ok");
                return json(200, {{"redirect", to}});
            } catch (const Error& e) {
                if (std::string_view(to_string(e.code())).starts_with("AUTH_")) count_refused_login(e);  // not the request's own errors
                throw;
            }
        }, [this](const Error& e) { return problem(e.code(), e.context()); });
    }
    if (path == "/oidc/token") {
        if (!post) return not_allowed(req, "POST");
        return refusals_as([&] { return json(200, nlohmann::json::parse(provider->token(oidc::parse_form(form_text(req)), req.authorization))); },
                           [](const Error& e) { return oauth_problem(e, "Basic"); });
    }
    if (path == "/oidc/userinfo") {
        if (!get && !post) return not_allowed(req, "GET, POST");
        return refusals_as(
            [&] {
                std::string token;
                try {
                    token = bearer(req);
                } catch (const Error&) {
                    throw Error(ErrorCode::OIDC_INVALID_TOKEN, "no Authorization: Bearer access token");
                }
                return json(200, nlohmann::json::parse(provider->userinfo(token)));
            },
            [](const Error& e) { return oauth_problem(e, "Bearer"); });
    }
    if (path == "/oidc/logout") {
        if (!get && !post) return not_allowed(req, "GET, POST");
        return refusals_as(
            [&] {
                const auto to = provider->end_session(oidc::parse_form(post ? form_text(req) : req.target));
                if (!to.empty()) return redirect(to);
                return page(200, "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Signed out</title><h1>You are signed out</h1></html>");
            },
            shown);
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

}  // namespace tanba::server
