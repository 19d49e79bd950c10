#pragma once
// What the /api/v1 routes share: JSON answers and bodies, string fields, path segments.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.hpp"
#include "tanba/auth/login.hpp"

namespace tanba::server {

/// An application/json answer, not to be cached (invalid UTF-8 replaced, never thrown on).
HttpResponse json(unsigned status, const nlohmann::json& body);
/// The request's JSON object. HTTP_UNSUPPORTED_MEDIA_TYPE unless application/json;
/// API_JSON_INVALID unless an object.
nlohmann::json body_of(const HttpRequest& req);
/// A string field; empty when absent or null. API_JSON_INVALID when not a string.
std::string field(const nlohmann::json& j, const char* name);
/// The segments of `path` after `prefix` (empty ones dropped): "/api/v1/persons/X/approve"
/// after "/api/v1/persons" is {"X", "approve"}; nullopt when path does not go on from prefix
/// with '/' (or end there).
std::optional<std::vector<std::string>> segments(std::string_view path, std::string_view prefix);
/// A query parameter's raw value ("style" of "/x?style=eimzo" is "eimzo"); nullopt when absent.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// A login body: {nonce, token} (Web eID), {nonce, cms} (NCALayer) or {challenge, pkcs7}
/// (E-IMZO) → the token and the nonce it answers. API_JSON_INVALID otherwise.
std::pair<auth::LoginToken, std::string> login_request(const nlohmann::json& body);

}  // namespace tanba::server
