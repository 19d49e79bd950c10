// The verification API for developers: POST /api/v1/verify/cms and /api/v1/certificates/info.
// Parses, calls lib/cms and lib/validation, answers with the reports' JSON (the CLI's).
#include <nlohmann/json.hpp>

#include "api_json.hpp"
#include "routes.hpp"
#include "tanba/cms/verify.hpp"

namespace tanba::server {
namespace {

// A base64 (standard or URL alphabet) or PEM field of a JSON body.
Bytes binary_field(const nlohmann::json& j, const char* name, bool required) {
    const std::string s = field(j, name);
    if (s.empty()) {
        if (required) throw Error(ErrorCode::API_JSON_INVALID, std::string("no \"") + name + "\"");
        return {};
    }
    if (s.starts_with("-----BEGIN")) return Bytes(s.begin(), s.end());
    auto b = base64_decode(s);
    if (!b) b = base64_decode(s, Base64::Url);
    if (!b) throw Error(ErrorCode::API_JSON_INVALID, std::string("\"") + name + "\" is not base64");
    return *b;
}

}  // namespace

// Called from api(), which answers the errors thrown here.
HttpResponse Router::verification(HttpRequest& req, std::string_view path) {
    const validation::Validator* validator = services_.verifier();
    if (!validator) return problem(ErrorCode::HTTP_NOT_FOUND, "this server has no verification API ([verify], --verify-api)");
    if (req.method != "POST") return not_allowed(req, "POST");
    if (services_.verify_access() == VerifyAccess::Session) services_.login()->session(bearer(req));
    if (path == "/api/v1/verify/cms") {
        cms::VerifyOptions options;
        options.validation.at = clock_.now();
        Bytes signature, content;
        if (req.content_type == "application/pkcs7-signature" || req.content_type == "application/pkcs7-mime") {
            signature = std::move(req.body);
        } else if (req.content_type == "application/json") {
            const auto j = body_of(req);
            signature = binary_field(j, "cms", true);
            content = binary_field(j, "content", false);
            if (const auto level = j.find("level"); level != j.end()) {
                if (*level == "T") options.level = cms::SignatureLevel::T;
                else if (*level != "B") throw Error(ErrorCode::API_JSON_INVALID, "\"level\" is B or T");
            }
        } else {
            throw Error(ErrorCode::HTTP_UNSUPPORTED_MEDIA_TYPE,
                        "send application/json {\"cms\", \"content\"?} or the signature as application/pkcs7-signature");
        }
        const auto r = cms::verify(signature, content.empty() ? std::nullopt : std::optional<ByteView>(content), *validator, options);
        return json(200, cms::to_json(r));
    }
    if (path == "/api/v1/certificates/info") {
        const auto cert = x509::Certificate::load(binary_field(body_of(req), "certificate", true));
        validation::ValidationOptions options;
        options.at = clock_.now();
        auto out = validation::to_json(x509::describe(cert));
        out["validation"] = validation::to_json(validator->validate(cert, options));
        return json(200, out);
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

}  // namespace tanba::server
