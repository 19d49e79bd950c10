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

}  // namespace tanba::server
