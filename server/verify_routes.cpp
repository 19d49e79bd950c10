// The verification API for developers: POST /api/v1/verify/cms and /api/v1/certificates/info.
// Parses, calls lib/cms and lib/validation, answers with the reports' JSON (the CLI's).
#include <nlohmann/json.hpp>

#include "routes.hpp"
#include "tanba/cms/verify.hpp"

namespace tanba::server {
namespace {

// A base64 (standard or URL alphabet) or PEM field of a JSON body.
Bytes binary_field(const nlohmann::json& j, const char* name, bool required) {
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required) throw Error(ErrorCode::API_JSON_INVALID, std::string("no \"") + name + "\"");
        return {};
    }
    if (!it->is_string()) throw Error(ErrorCode::API_JSON_INVALID, std::string("\"") + name + "\" is not a string");
    const auto& s = it->get_ref<const std::string&>();
    if (s.starts_with("-----BEGIN")) return Bytes(s.begin(), s.end());
    auto b = base64_decode(s);
    if (!b) b = base64_decode(s, Base64::Url);
    if (!b) throw Error(ErrorCode::API_JSON_INVALID, std::string("\"") + name + "\" is not base64");
    return *b;
}

nlohmann::json json_body(const HttpRequest& req) {
    auto j = nlohmann::json::parse(req.body.begin(), req.body.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(ErrorCode::API_JSON_INVALID, "the body is not a JSON object");
    return j;
}

HttpResponse report(const nlohmann::json& body) {
    HttpResponse r;
    r.content_type = "application/json";
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

}  // namespace

HttpResponse Router::verification(HttpRequest& req, std::string_view path) {
    const validation::Validator* validator = services_.verifier();
    if (!validator) return problem(ErrorCode::HTTP_NOT_FOUND, "this server has no verification API ([verify], --verify-api)");
    try {
        if (req.method != "POST") return not_allowed(req, "POST");
        if (services_.verify_access() == VerifyAccess::Session) {
            auth::LoginService* login = services_.login();
            login->session(bearer(req));
        }
        if (path == "/api/v1/verify/cms") {
            cms::VerifyOptions options;
            options.validation.at = clock_.now();
            Bytes signature, content;
            if (req.content_type == "application/pkcs7-signature" || req.content_type == "application/pkcs7-mime") {
                signature = std::move(req.body);
            } else if (req.content_type == "application/json") {
                const auto j = json_body(req);
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
            return report(cms::to_json(r));
        }
        if (path == "/api/v1/certificates/info") {
            if (req.content_type != "application/json")
                throw Error(ErrorCode::HTTP_UNSUPPORTED_MEDIA_TYPE, "send application/json {\"certificate\": base64 DER or PEM}");
            const auto cert = x509::Certificate::load(binary_field(json_body(req), "certificate", true));
            validation::ValidationOptions options;
            options.at = clock_.now();
            auto out = validation::to_json(x509::describe(cert));
            out["validation"] = validation::to_json(validator->validate(cert, options));
            return report(out);
        }
    } catch (const Error& e) {
        if (info(e.code()).retryable || e.code() == ErrorCode::INTERNAL) throw;
        return problem(e.code(), e.context());
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

}  // namespace tanba::server
