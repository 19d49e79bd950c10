// The OAuth plumbing: form and query encoding, error names, and client registration.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "internal.hpp"
#include "jose.hpp"
#include "tanba/oidc/provider.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::oidc {
namespace {

constexpr std::size_t kMaxParams = 64;
constexpr std::size_t kMinSecret = 32;
constexpr int kPbkdf2Rounds = 20000;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string percent_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (unreserved(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::OIDC_CLIENT_INVALID, what); }

void check_redirect_uri(const std::string& uri) {
    const bool https = uri.starts_with("https://"), http = uri.starts_with("http://");
    if (!https && !http) invalid("the redirect URI '" + uri + "' is not an absolute http(s) URL");
    if (uri.find('#') != std::string::npos) invalid("the redirect URI '" + uri + "' has a fragment");
    if (uri.size() > 2000 || std::any_of(uri.begin(), uri.end(), [](unsigned char c) { return c <= ' ' || c >= 0x7f; }))
        invalid("the redirect URI is longer than 2000 characters or not plain ASCII");
    if (http && !detail::loopback(detail::host_of(uri))) invalid("the redirect URI '" + uri + "' is plain http on a host other than loopback");
    if (detail::host_of(uri).empty()) invalid("the redirect URI '" + uri + "' has no host");
}

}  // namespace

namespace detail {

std::string host_of(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    auto rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (rest.find('@') != std::string_view::npos) return {};
    if (rest.starts_with("[")) return std::string(rest.substr(0, rest.find(']') + 1));
    return std::string(rest.substr(0, rest.find(':')));
}

bool loopback(std::string_view host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

Bytes secret_hash(std::string_view secret, ByteView salt) {
    Bytes out(32);
    ossl::check(PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()), salt.data(), static_cast<int>(salt.size()), kPbkdf2Rounds,
                                  EVP_sha256(), static_cast<int>(out.size()), out.data()) == 1,
                ErrorCode::CRYPTO_FAILURE, "PBKDF2");
    return out;
}

}  // namespace detail

Params parse_form(std::string_view text) {
    if (const auto q = text.find('?'); q != std::string_view::npos) text = text.substr(q + 1);
    text = text.substr(0, text.find('#'));
    Params out;
    auto decode = [](std::string_view s) {
        std::string r;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '+') {
                r.push_back(' ');
            } else if (s[i] == '%') {
                const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1, lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
                if (hi < 0 || lo < 0) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "a broken %-escape");
                r.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
            } else {
                r.push_back(s[i]);
            }
        }
        return r;
    };
    while (!text.empty()) {
        const auto amp = text.find('&');
        const auto pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = decode(pair.substr(0, eq));
        auto value = eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1));
        if (value.empty()) continue;  // RFC 6749 §3.1: sent without a value, treated as omitted
        if (out.size() == kMaxParams) throw Error(ErrorCode::OIDC_INVALID_REQUEST, "more than 64 parameters");
        if (!out.emplace(std::move(name), std::move(value)).second)
            throw Error(ErrorCode::OIDC_INVALID_REQUEST, "a parameter is repeated");
    }
    return out;
}

std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& params) {
    char sep = url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : params) {
        if (value.empty()) continue;
        url += sep + percent_encode(name) + "=" + percent_encode(value);
        sep = '&';
    }
    return url;
}

std::string_view oauth_error(ErrorCode code) {
    switch (code) {
        case ErrorCode::OIDC_INVALID_CLIENT:
        case ErrorCode::OIDC_CLIENT_UNKNOWN: return "invalid_client";
        case ErrorCode::OIDC_INVALID_GRANT: return "invalid_grant";
        case ErrorCode::OIDC_UNSUPPORTED_GRANT_TYPE: return "unsupported_grant_type";
        case ErrorCode::OIDC_UNSUPPORTED_RESPONSE_TYPE: return "unsupported_response_type";
        case ErrorCode::OIDC_INVALID_SCOPE: return "invalid_scope";
        case ErrorCode::OIDC_INVALID_TOKEN:
        case ErrorCode::AUTH_SESSION_INVALID: return "invalid_token";
        case ErrorCode::INTERNAL: return "server_error";
        default: return "invalid_request";
    }
}

store::OidcClientRecord client_record(const ClientRegistration& r, TimePoint now) {
    if (r.id.empty() || r.id.size() > 64 ||
        !std::all_of(r.id.begin(), r.id.end(), [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; }))
        invalid("the client id '" + r.id.substr(0, 80) + "' is not 1-64 of A-Z a-z 0-9 . _ -");
    if (r.redirect_uris.empty() || r.redirect_uris.size() > 16) invalid("a client has 1 to 16 redirect URIs");
    for (const auto& uri : r.redirect_uris) check_redirect_uri(uri);
    if (r.subject_type != "public" && r.subject_type != "pairwise") invalid("the subject type is public or pairwise, not '" + r.subject_type + "'");
    if (r.subject_type == "pairwise")
        for (const auto& uri : r.redirect_uris)
            if (detail::host_of(uri) != detail::host_of(r.redirect_uris.front()))
                invalid("a pairwise client's redirect URIs must share one host (its sector)");
    if (r.secret.empty() == r.jwks.empty()) invalid("a client authenticates by a secret or by its JWKS (private_key_jwt): give exactly one");
    store::OidcClientRecord rec;
    rec.id = r.id;
    rec.redirect_uris = r.redirect_uris;
    rec.subject_type = r.subject_type;
    rec.created_at = now;
    if (!r.secret.empty()) {
        if (r.secret.size() < kMinSecret) invalid("the client secret is shorter than 32 characters");
        rec.secret_salt.resize(16);
        ossl::random_bytes(rec.secret_salt);
        rec.secret_hash = detail::secret_hash(r.secret, rec.secret_salt);
    } else {
        const auto jwks = nlohmann::json::parse(r.jwks, nullptr, false);
        if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array() || jwks["keys"].empty() || jwks["keys"].size() > 16)
            invalid("the JWKS is not {\"keys\": [1 to 16 keys]}");
        for (const auto& k : jwks["keys"]) {
            if (k.contains("d") || k.contains("p")) invalid("the JWKS holds a private key: give the public keys only");
            if (!jose::key_from_jwk(k)) invalid("a JWK is not an RSA or EC P-256/P-384 public key: " + k.dump().substr(0, 80));
        }
        rec.jwks = jwks.dump();
    }
    return rec;
}

}  // namespace tanba::oidc
