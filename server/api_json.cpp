#include "api_json.hpp"

namespace tanba::server {

HttpResponse json(unsigned status, const nlohmann::json& body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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

std::string field(const nlohmann::json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) throw Error(ErrorCode::API_JSON_INVALID, std::string("\"") + name + "\" is not a string");
    return it->get<std::string>();
}

std::optional<std::vector<std::string>> segments(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) return std::nullopt;
    auto rest = path.substr(prefix.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;
    std::vector<std::string> out;
    while (!rest.empty()) {
        rest.remove_prefix(1);
        const auto slash = rest.find('/');
        if (const auto part = rest.substr(0, slash); !part.empty()) out.emplace_back(part);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    }
    return out;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
    }
    return std::nullopt;
}

// The three login shapes: {nonce, token} (Web eID), {nonce, cms} (NCALayer), {challenge, pkcs7} (E-IMZO).
std::pair<auth::LoginToken, std::string> login_request(const nlohmann::json& body) {
    const auto text = [&](const char* name) -> std::optional<std::string> {
        const auto it = body.find(name);
        if (it == body.end()) return std::nullopt;
        if (!it->is_string()) throw Error(ErrorCode::API_JSON_INVALID, std::string("\"") + name + "\" is not a string");
        return it->get<std::string>();
    };
    if (const auto token = body.find("token"); token != body.end()) {
        const auto nonce = text("nonce");
        if (!nonce || !(token->is_object() || token->is_string()))
            throw Error(ErrorCode::API_JSON_INVALID, "a Web eID login is {\"nonce\": string, \"token\": {…}}");
        return {{auth::TokenKind::WebEid, token->is_string() ? token->get<std::string>() : token->dump()}, *nonce};
    }
    if (const auto cms = text("cms")) {
        const auto nonce = text("nonce");
        if (!nonce) throw Error(ErrorCode::API_JSON_INVALID, "an NCALayer login is {\"nonce\": string, \"cms\": base64}");
        return {{auth::TokenKind::Cms, *cms}, *nonce};
    }
    if (const auto pkcs7 = text("pkcs7")) {
        const auto challenge = text("challenge");
        if (!challenge) throw Error(ErrorCode::API_JSON_INVALID, "an E-IMZO login is {\"challenge\": string, \"pkcs7\": base64}");
        return {{auth::TokenKind::Pkcs7, *pkcs7}, *challenge};
    }
    throw Error(ErrorCode::API_JSON_INVALID, "a login carries \"token\" (Web eID), \"cms\" (NCALayer) or \"pkcs7\" (E-IMZO)");
}

}  // namespace tanba::server
