// Web eID tokens: parsing and the signature over H(origin) ‖ H(nonce).
#include "tanba/auth/web_eid.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::auth {
namespace {

constexpr std::size_t kMinToken = 100, kMaxToken = 10'000;

keys::SignOptions options_for(const std::string& algorithm) {
    using keys::HashAlg, keys::RsaPadding;
    static const std::pair<const char*, keys::SignOptions> known[] = {
        {"ES256", {HashAlg::Sha256, RsaPadding::Pkcs1v15}}, {"ES384", {HashAlg::Sha384, RsaPadding::Pkcs1v15}},
        {"ES512", {HashAlg::Sha512, RsaPadding::Pkcs1v15}}, {"RS256", {HashAlg::Sha256, RsaPadding::Pkcs1v15}},
        {"RS384", {HashAlg::Sha384, RsaPadding::Pkcs1v15}}, {"RS512", {HashAlg::Sha512, RsaPadding::Pkcs1v15}},
        {"PS256", {HashAlg::Sha256, RsaPadding::Pss}},      {"PS384", {HashAlg::Sha384, RsaPadding::Pss}},
        {"PS512", {HashAlg::Sha512, RsaPadding::Pss}},
    };
    for (const auto& [name, o] : known)
        if (algorithm == name) return o;
    throw Error(ErrorCode::AUTH_ALGORITHM_UNSUPPORTED, "'" + algorithm.substr(0, 32) + "'");
}

std::string text_field(const nlohmann::json& j, const char* name, bool required = true) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required) throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string("no \"") + name + "\"");
        return {};
    }
    if (!it->is_string()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string("\"") + name + "\" is not a string");
    return it->get<std::string>();
}

Bytes base64_field(const nlohmann::json& j, const char* name) {
    auto v = base64_decode(text_field(j, name));
    if (!v || v->empty()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string("\"") + name + "\" is not base64");
    return std::move(*v);
}

}  // namespace

WebEidToken parse_web_eid_token(std::string_view text) {
    std::string json(text);
    if (!json.empty() && json.front() != '{')  // the base64url of the JSON (a mobile flow's URL fragment)
        if (auto decoded = base64_decode(json, Base64::Url)) json.assign(decoded->begin(), decoded->end());
    if (json.size() < kMinToken || json.size() > kMaxToken)
        throw Error(ErrorCode::AUTH_TOKEN_INVALID, "a token is 100 to 10,000 bytes of JSON, not " + std::to_string(json.size()));
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "not a JSON object");
    WebEidToken t;
    t.format = text_field(j, "format");
    if (!t.format.starts_with("web-eid:1")) throw Error(ErrorCode::AUTH_TOKEN_FORMAT_UNSUPPORTED, "'" + t.format.substr(0, 32) + "'");
    t.algorithm = text_field(j, "algorithm");
    t.sign = options_for(t.algorithm);
    t.certificate = base64_field(j, "unverifiedCertificate");
    t.signature = base64_field(j, "signature");
    t.app_version = text_field(j, "appVersion", false);
    if (t.format != "web-eid:1.0" && t.format != "web-eid:1") {  // 1.1 and later minor versions
        if (j.contains("unverifiedSigningCertificate")) t.signing_certificate = base64_field(j, "unverifiedSigningCertificate");
        if (auto it = j.find("supportedSignatureAlgorithms"); it != j.end()) {
            if (!it->is_array()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "\"supportedSignatureAlgorithms\" is not a list");
            for (const auto& a : *it) {
                if (!a.is_object()) throw Error(ErrorCode::AUTH_TOKEN_INVALID, "a supportedSignatureAlgorithms entry is not an object");
                t.supported_signature_algorithms.push_back(text_field(a, "cryptoAlgorithm") + "/" + text_field(a, "hashFunction") +
                                                           "/" + text_field(a, "paddingScheme"));
            }
        }
        if (!t.signing_certificate) throw Error(ErrorCode::AUTH_TOKEN_INVALID, t.format + " needs \"unverifiedSigningCertificate\"");
    }
    return t;
}

Bytes web_eid_signed_data(const WebEidToken& token, std::string_view origin, std::string_view nonce) {
    const EVP_MD* md = keys::digest_of(token.sign.hash);
    Bytes out;
    for (std::string_view part : {origin, nonce}) {
        Bytes h = ossl::digest(md, as_bytes(part));
        out.insert(out.end(), h.begin(), h.end());
    }
    return out;
}

bool web_eid_signature_valid(const WebEidToken& token, const EVP_PKEY* key, std::string_view origin, std::string_view nonce) {
    if (!key) return false;
    const bool ec = token.algorithm.starts_with("ES");
    if (ec != (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)) return false;  // an ES token needs an EC key, RS/PS an RSA one
    Bytes signature = token.signature;
    if (ec) {
        auto der = keys::ecdsa_der_from_raw(signature);  // Web eID sends r‖s
        if (!der) return false;
        signature = std::move(*der);
    }
    return keys::verify(key, web_eid_signed_data(token, origin, nonce), signature, token.sign);
}

void require_origin(std::string_view origin) {
    constexpr std::string_view kScheme = "https://";
    const auto host = origin.starts_with(kScheme) ? origin.substr(kScheme.size()) : std::string_view{};
    const bool ok = !host.empty() && host.find_first_of("/?#@ ") == std::string_view::npos && host.back() != ':';
    if (!ok) throw Error(ErrorCode::CONFIG_INVALID, "the origin '" + std::string(origin) + "' is not https://HOST[:PORT] (no path, no trailing slash)");
}

}  // namespace tanba::auth
