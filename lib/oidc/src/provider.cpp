// The OpenID Connect provider: authorization requests, codes, tokens, userinfo and logout.
#include "tanba/oidc/provider.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include "internal.hpp"
#include "jose.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::oidc {
namespace {

using nlohmann::json;

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr std::string_view kAcr = "urn:tanba:acr:smartcard";
constexpr std::size_t kMinSubjectSecret = 32;

std::string random_token() { return ossl::random_text(32, Base64::Url); }

Bytes hash_of(std::string_view secret) { return ossl::sha256(as_bytes(secret)); }

std::string param(const Params& p, std::string_view name) {
    const auto it = p.find(name);
    return it == p.end() ? std::string{} : it->second;
}

bool has_scope(const std::string& scope, std::string_view name) {
    std::size_t at = 0;
    while (at <= scope.size()) {
        const auto end = std::min(scope.find(' ', at), scope.size());
        if (std::string_view(scope).substr(at, end - at) == name) return true;
        at = end + 1;
    }
    return false;
}

// The offered scopes among those asked for, in our order.
std::string granted_scope(const std::string& asked) {
    std::string out;
    for (auto s : kScopes)
        if (has_scope(asked, s)) out += (out.empty() ? "" : " ") + std::string(s);
    return out;
}

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool pkce_text(const std::string& s) {
    return s.size() >= 43 && s.size() <= 128 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; });
}

bool same_secret(ByteView a, ByteView b) { return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

// The claims the scope releases, from the login's identity.
void add_scoped_claims(json& claims, const std::string& scope, const auth::Identity& who) {
    auto put = [&](const char* name, const std::string& value) {
        if (!value.empty()) claims[name] = value;
    };
    if (has_scope(scope, "profile")) {
        put("family_name", who.surname);
        put("given_name", who.given_name);
        put("middle_name", who.patronymic);
        put("name", who.common_name);
    }
    if (has_scope(scope, "kz_iin")) put("iin", who.iin);
    if (has_scope(scope, "uz_pinfl")) {
        put("pinfl", who.pinfl);
        put("tin", who.tin);
    }
    if (has_scope(scope, "organisation")) {
        put("bin", who.bin);
        put("legal_tin", who.legal_tin);
        claims["roles"] = who.roles;
    }
}

[[noreturn]] void grant_error(const std::string& why) { throw Error(ErrorCode::OIDC_INVALID_GRANT, why); }
[[noreturn]] void client_error(const std::string& why) { throw Error(ErrorCode::OIDC_INVALID_CLIENT, why); }

bool audience_has(const json& aud, const std::string& want) {
    if (aud.is_string()) return aud.get<std::string>() == want;
    if (aud.is_array())
        return std::any_of(aud.begin(), aud.end(), [&](const json& a) { return a.is_string() && a.get<std::string>() == want; });
    return false;
}

void require_issuer(const std::string& issuer) {
    const auto host = detail::host_of(issuer);
    const bool https = issuer.starts_with("https://"), http = issuer.starts_with("http://") && detail::loopback(host);
    const auto after = issuer.substr(issuer.find("://") + 3);
    if (!(https || http) || host.empty() || after.find_first_of("/?#@") != std::string::npos)
        throw Error(ErrorCode::CONFIG_INVALID, "the OIDC issuer '" + issuer + "' is not https://HOST[:PORT] (http only on loopback; no path)");
}

}  // namespace

Provider::Provider(store::IdentityRepository& repo, auth::LoginService& login, const keys::Signer& key, ProviderOptions options,
                   const Clock& clock)
    : repo_(repo), login_(login), key_(key), options_(std::move(options)), clock_(clock) {
    require_issuer(options_.issuer);
    if (options_.subject_secret.size() < kMinSubjectSecret)
        throw Error(ErrorCode::CONFIG_INVALID, "the OIDC subject secret is shorter than 32 bytes");
    alg_ = jose::alg_of(key_.spec());
    const auto jwk = jose::public_jwk(key_.public_key(), key_.spec());
    kid_ = jwk["kid"].get<std::string>();
    const auto now = clock_.now();
    published_ = repo_.oidc().publish_key({kid_, jwk.dump(), now, std::nullopt}, now + options_.token_lifetime, now);
}

std::string Provider::discovery() const {
    const auto& i = options_.issuer;
    json scopes = json::array();
    for (auto s : kScopes) scopes.push_back(s);
    return json{{"issuer", i},
                {"authorization_endpoint", i + "/oidc/authorize"},
                {"token_endpoint", i + "/oidc/token"},
                {"userinfo_endpoint", i + "/oidc/userinfo"},
                {"jwks_uri", i + "/oidc/jwks"},
                {"end_session_endpoint", i + "/oidc/logout"},
                {"scopes_supported", scopes},
                {"response_types_supported", {"code"}},
                {"response_modes_supported", {"query"}},
                {"grant_types_supported", {"authorization_code"}},
                {"subject_types_supported", {"public", "pairwise"}},
                {"id_token_signing_alg_values_supported", {alg_}},
                {"token_endpoint_auth_methods_supported", {"client_secret_basic", "client_secret_post", "private_key_jwt"}},
                {"token_endpoint_auth_signing_alg_values_supported", {"RS256", "PS256", "ES256", "ES384"}},
                {"code_challenge_methods_supported", {"S256"}},
                {"claims_supported", {"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "family_name",
                                      "given_name", "middle_name", "name", "iin", "pinfl", "tin", "bin", "legal_tin", "roles"}},
                {"acr_values_supported", {kAcr}},
                {"authorization_response_iss_parameter_supported", true},
                {"request_parameter_supported", false},
                {"request_uri_parameter_supported", false},
                {"claims_parameter_supported", false}}
        .dump();
}

std::string Provider::jwks() const {
    const auto now = clock_.now();
    json keys = json::array();
    for (const auto& k : published_)
        if (!k.retired_until || *k.retired_until >= now) keys.push_back(json::parse(k.jwk));
    return json{{"keys", keys}}.dump();
}

std::variant<Authorization, std::string> Provider::authorize(const Params& p) const {
    Authorization a{param(p, "client_id"), param(p, "redirect_uri"), param(p, "scope"), param(p, "state"), param(p, "nonce"),
                    param(p, "code_challenge")};
    if (a.client_id.empty()) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "no client_id");
    const auto client = repo_.oidc().find_client(a.client_id);
    if (!client) throw Error(ErrorCode::OIDC_CLIENT_UNKNOWN, "client_id '" + a.client_id.substr(0, 64) + "'");
    if (std::find(client->redirect_uris.begin(), client->redirect_uris.end(), a.redirect_uri) == client->redirect_uris.end())
        throw Error(ErrorCode::OIDC_REDIRECT_URI_MISMATCH, a.redirect_uri.empty() ? "no redirect_uri" : "'" + a.redirect_uri.substr(0, 200) + "'");
    auto refuse = [&](ErrorCode code, const std::string& why) {
        return with_query(a.redirect_uri, {{"error", std::string(oauth_error(code))}, {"error_description", why}, {"state", a.state},
                                           {"iss", options_.issuer}});
    };
    if (param(p, "response_type") != "code") return refuse(ErrorCode::OIDC_UNSUPPORTED_RESPONSE_TYPE, "response_type must be code");
    if (!has_scope(a.scope, "openid")) return refuse(ErrorCode::OIDC_INVALID_SCOPE, "the scope must include openid");
    if (p.contains("request") || p.contains("request_uri"))
        return with_query(a.redirect_uri, {{"error", p.contains("request") ? "request_not_supported" : "request_uri_not_supported"},
                                           {"state", a.state}, {"iss", options_.issuer}});
    if (a.code_challenge.empty()) return refuse(ErrorCode::OIDC_INVALID_REQUEST, "PKCE is required: code_challenge with code_challenge_method=S256");
    if (param(p, "code_challenge_method") != "S256" || !pkce_text(a.code_challenge))
        return refuse(ErrorCode::OIDC_INVALID_REQUEST, "code_challenge_method must be S256, code_challenge 43 to 128 characters");
    if (has_scope(param(p, "prompt"), "none"))  // no silent login: each one is a card signature
        return with_query(a.redirect_uri, {{"error", "login_required"}, {"state", a.state}, {"iss", options_.issuer}});
    if (a.state.size() > 1024 || a.nonce.size() > 1024) return refuse(ErrorCode::OIDC_INVALID_REQUEST, "state and nonce are at most 1024 characters");
    a.scope = granted_scope(a.scope);
    return a;
}

std::string Provider::complete(const Params& params, const auth::LoginToken& token, std::string_view nonce) {
    auto checked = authorize(params);
    if (auto* redirect = std::get_if<std::string>(&checked)) return *redirect;
    const auto& a = std::get<Authorization>(checked);
    const auto session = login_.login(token, nonce);
    const auto now = clock_.now();
    const std::string code = random_token();
    const json grant{{"redirect_uri", a.redirect_uri},
                     {"scope", a.scope},
                     {"nonce", a.nonce},
                     {"code_challenge", a.code_challenge},
                     {"session", base64_encode(hash_of(session.token))},
                     {"sid", random_token().substr(0, 22)},
                     {"auth_time", std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()},
                     {"identity", json::parse(auth::to_json(session.identity))}};
    repo_.oidc().add_code(hash_of(code), {a.client_id, grant.dump(), now + options_.code_lifetime});
    return with_query(a.redirect_uri, {{"code", code}, {"state", a.state}, {"iss", options_.issuer}});
}

store::OidcClientRecord Provider::authenticate_client(const Params& form, std::string_view authorization) {
    const bool basic = authorization.size() > 6 && std::string_view(authorization).substr(0, 6) == "Basic ";
    const bool post = form.contains("client_secret"), jwt = form.contains("client_assertion");
    if (basic + post + jwt > 1) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "more than one client authentication method");
    if (!basic && !post && !jwt) client_error("no client authentication (client_secret_basic, client_secret_post or private_key_jwt)");
    if (jwt) {
        if (param(form, "client_assertion_type") != kJwtBearer) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "client_assertion_type is not jwt-bearer");
        const auto jws = jose::decode(param(form, "client_assertion"));
        if (!jws) client_error("client_assertion is not a JWS");
        const auto iss = jws->claims.value("iss", json()), sub = jws->claims.value("sub", json());
        if (!iss.is_string() || iss != sub) client_error("the assertion's iss and sub must both be the client_id");
        const auto id = iss.get<std::string>();
        if (form.contains("client_id") && param(form, "client_id") != id) client_error("client_id is not the assertion's issuer");
        const auto client = repo_.oidc().find_client(id);
        if (!client || client->jwks.empty()) client_error("no client '" + id.substr(0, 64) + "' with keys");
        if (!jose::verified(*jws, json::parse(client->jwks))) client_error("the assertion's signature does not verify with the client's keys");
        const auto aud = jws->claims.value("aud", json());
        if (!audience_has(aud, options_.issuer + "/oidc/token") && !audience_has(aud, options_.issuer))
            client_error("the assertion's aud is neither the token endpoint nor the issuer");
        const auto exp = jws->claims.value("exp", json()), jti = jws->claims.value("jti", json());
        const auto now = clock_.now();
        if (!exp.is_number_integer() || exp.get<std::int64_t>() < 0 || exp.get<std::int64_t>() > 99'999'999'999)
            client_error("the assertion has no exp in seconds");
        const TimePoint expires{std::chrono::seconds(exp.get<std::int64_t>())};
        // An hour, as common client libraries make them, and a minute of clock skew.
        if (expires < now || expires > now + std::chrono::minutes(61)) client_error("the assertion has expired or lives longer than an hour");
        if (!jti.is_string() || jti.get<std::string>().empty()) client_error("the assertion has no jti");
        if (!repo_.oidc().remember_assertion(hash_of(id + "\n" + jti.get<std::string>()), expires)) client_error("the assertion was used already");
        return *client;
    }
    std::string id = param(form, "client_id"), secret = param(form, "client_secret");
    if (basic) {
        const auto decoded = base64_decode(authorization.substr(6));
        const std::string pair = decoded ? std::string(decoded->begin(), decoded->end()) : "";
        const auto colon = pair.find(':');
        if (colon == std::string::npos) client_error("the Basic credentials are not base64 of id:secret");
        // RFC 6749 §2.3.1: both form-urlencoded inside the Basic credentials.
        const auto parts = parse_form("i=" + pair.substr(0, colon) + "&s=" + pair.substr(colon + 1));
        if (!id.empty() && id != param(parts, "i")) client_error("client_id is not the Basic credentials' id");
        id = param(parts, "i"), secret = param(parts, "s");
    }
    const auto client = id.empty() ? std::nullopt : repo_.oidc().find_client(id);
    if (!client || client->secret_hash.empty() || !same_secret(detail::secret_hash(secret, client->secret_salt), client->secret_hash))
        client_error("the client id or secret is wrong");
    return *client;
}

std::string Provider::sub_for(const store::OidcClientRecord& client, const auth::Identity& who) const {
    std::string person = !who.iin.empty() ? "KZ:" + who.iin : !who.pinfl.empty() ? "UZ:" + who.pinfl : "CERT:" + who.issuer + "|" + who.certificate_serial;
    if (client.subject_type == "pairwise") person = detail::host_of(client.redirect_uris.front()) + "|" + person;
    return base64_encode(ossl::hmac_sha256(options_.subject_secret, as_bytes(person)), Base64::Url);
}

std::string Provider::token(const Params& form, std::string_view authorization) {
    const auto client = authenticate_client(form, authorization);
    const auto& client_id = client.id;
    if (param(form, "grant_type") != "authorization_code") throw Error(ErrorCode::OIDC_UNSUPPORTED_GRANT_TYPE, "grant_type: '" + param(form, "grant_type").substr(0, 64) + "'");
    const auto code = param(form, "code");
    if (code.empty()) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "no code");
    const auto now = clock_.now();
    const Bytes code_hash = hash_of(code);
    const auto taken = repo_.oidc().take_code(code_hash, now);
    switch (taken.state) {
        case store::CodeTaken::Unknown: grant_error("the code was not issued here");
        case store::CodeTaken::Expired: grant_error("the code is older than " + std::to_string(options_.code_lifetime.count()) + " s");
        case store::CodeTaken::Replayed: grant_error("the code was used already: the tokens issued for it are revoked");
        case store::CodeTaken::Taken: break;
    }
    const auto grant = json::parse(taken.record.grant);
    if (taken.record.client_id != client_id) grant_error("the code was issued to another client");
    if (param(form, "redirect_uri") != grant["redirect_uri"].get<std::string>()) grant_error("redirect_uri is not the authorization request's");
    const auto verifier = param(form, "code_verifier");
    if (!pkce_text(verifier)) grant_error("code_verifier is missing or not 43 to 128 characters");
    const auto challenge = base64_encode(ossl::sha256(as_bytes(verifier)), Base64::Url);
    if (!same_secret(as_bytes(challenge), as_bytes(grant["code_challenge"].get<std::string>()))) grant_error("code_verifier does not match code_challenge");
    const Bytes session_hash = *base64_decode(grant["session"].get<std::string>());
    if (!repo_.find_session(session_hash, now)) grant_error("the login session has ended");
    const auto who = auth::identity_from_json(grant["identity"].dump());
    const auto scope = grant["scope"].get<std::string>();
    const auto sub = sub_for(client, who);
    const std::string access_token = random_token();
    const auto secs = [](TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); };
    const json kept{{"client_id", client_id}, {"scope", scope}, {"sub", sub}, {"identity", grant["identity"]}};
    if (!repo_.oidc().add_token(hash_of(access_token), {code_hash, session_hash, grant["sid"], kept.dump(), now + options_.token_lifetime}))
        grant_error("the code was used already: the tokens issued for it are revoked");
    json claims{{"iss", options_.issuer}, {"sub", sub}, {"aud", client_id}, {"exp", secs(now + options_.token_lifetime)}, {"iat", secs(now)},
                {"auth_time", grant["auth_time"]}, {"amr", {"hwk", "sc"}}, {"acr", kAcr}, {"sid", grant["sid"]},
                {"at_hash", jose::half_hash(alg_, access_token)}};
    if (!grant["nonce"].get<std::string>().empty()) claims["nonce"] = grant["nonce"];
    add_scoped_claims(claims, scope, who);
    if (options_.audit) options_.audit(client_id, who, "oidc.token");
    return json{{"access_token", access_token}, {"token_type", "Bearer"}, {"expires_in", options_.token_lifetime.count()},
                {"id_token", jose::sign(key_, kid_, claims)}, {"scope", scope}}
        .dump();
}

std::string Provider::userinfo(std::string_view access_token) {
    const auto now = clock_.now();
    const auto t = access_token.empty() ? std::nullopt : repo_.oidc().find_token(hash_of(access_token), now);
    if (!t) throw Error(ErrorCode::OIDC_INVALID_TOKEN, "unknown or expired access token");
    if (!repo_.find_session(t->session_hash, now)) throw Error(ErrorCode::OIDC_INVALID_TOKEN, "the login session has ended");
    const auto kept = json::parse(t->grant);
    const auto who = auth::identity_from_json(kept["identity"].dump());
    json claims{{"sub", kept["sub"]}};
    add_scoped_claims(claims, kept["scope"].get<std::string>(), who);
    if (options_.audit) options_.audit(kept["client_id"].get<std::string>(), who, "oidc.userinfo");
    return claims.dump();
}

std::string Provider::end_session(const Params& p) {
    const auto hint = param(p, "id_token_hint"), after = param(p, "post_logout_redirect_uri");
    if (hint.empty()) {
        if (!after.empty()) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "post_logout_redirect_uri needs id_token_hint");
        return {};
    }
    const auto jws = jose::decode(hint);
    if (!jws || !jose::verified(*jws, json::parse(jwks())) || jws->claims.value("iss", "") != options_.issuer)
        throw Error(ErrorCode::OIDC_INVALID_REQUEST, "id_token_hint is not an ID token of this provider");
    const auto sid = jws->claims.value("sid", ""), client_id = jws->claims.value("aud", "");
    if (!sid.empty()) repo_.oidc().end_oidc_session(sid);
    if (after.empty()) return {};
    const auto client = repo_.oidc().find_client(client_id);
    if (!client || std::find(client->redirect_uris.begin(), client->redirect_uris.end(), after) == client->redirect_uris.end())
        throw Error(ErrorCode::OIDC_REDIRECT_URI_MISMATCH, "post_logout_redirect_uri is not a redirect URI of the token's client");
    return with_query(after, {{"state", param(p, "state")}});
}

}  // namespace tanba::oidc
