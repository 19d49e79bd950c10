// Login by a signed challenge: the checks of one token, and challenges and sessions over the store.
#include "tanba/auth/login.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <span>

#include "checks.hpp"
#include "tanba/auth/cms_login.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::auth {
namespace {

using detail::has;

// web-eid:1.1: the signing certificate belongs to the same holder, from the same CA.
void require_signing_certificate(const x509::Certificate& auth, const x509::Certificate& signing) {
    const auto info = x509::describe(signing);
    if (signing.subject_text() != auth.subject_text() || signing.issuer_text() != auth.issuer_text())
        throw Error(ErrorCode::AUTH_SIGNING_CERT_MISMATCH, "the signing certificate is " + signing.subject_text() + " from " + signing.issuer_text());
    if (!has(info.key_usage, "nonRepudiation"))
        throw Error(ErrorCode::AUTH_SIGNING_CERT_MISMATCH, "the signing certificate lacks nonRepudiation");
}

Bytes hash_of(std::string_view secret) { return ossl::sha256(as_bytes(secret)); }


}  // namespace

std::string person_of(const Identity& id) { return !id.iin.empty() ? id.iin : !id.pinfl.empty() ? "UZ:" + id.pinfl : ""; }

std::string to_json(const Identity& id) {
    return nlohmann::json{{"iin", id.iin},
                          {"bin", id.bin},
                          {"pinfl", id.pinfl},
                          {"tin", id.tin},
                          {"legalTin", id.legal_tin},
                          {"country", id.country},
                          {"surname", id.surname},
                          {"givenName", id.given_name},
                          {"patronymic", id.patronymic},
                          {"commonName", id.common_name},
                          {"roles", id.roles},
                          {"certificateSerial", id.certificate_serial},
                          {"issuer", id.issuer}}
        .dump();
}

Identity identity_from_json(const std::string& json) {
    const auto j = nlohmann::json::parse(json);
    Identity id;
    id.iin = j.value("iin", "");
    id.bin = j.value("bin", "");
    id.pinfl = j.value("pinfl", "");
    id.tin = j.value("tin", "");
    id.legal_tin = j.value("legalTin", "");
    id.country = j.value("country", "");
    id.surname = j.value("surname", "");
    id.given_name = j.value("givenName", "");
    id.patronymic = j.value("patronymic", "");
    id.common_name = j.value("commonName", "");
    id.roles = j.value("roles", std::vector<std::string>{});
    id.certificate_serial = j.value("certificateSerial", "");
    id.issuer = j.value("issuer", "");
    return id;
}

Identity verify_web_eid(const WebEidToken& token, std::string_view nonce, const LoginPolicy& policy, TimePoint at) {
    if (!policy.validator) throw Error(ErrorCode::INTERNAL, "a login policy without a validator");
    std::optional<x509::Certificate> cert;
    try {
        cert.emplace(policy.validator->certificate(token.certificate));
    } catch (const Error& e) {
        throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string("unverifiedCertificate: ") + e.context());
    }
    if (!web_eid_signature_valid(token, cert->public_key(), policy.origin, nonce))
        throw Error(ErrorCode::AUTH_SIGNATURE_INVALID, "the " + token.algorithm + " signature does not verify over origin " + policy.origin +
                                                           " and the nonce with " + cert->subject_text() + "'s key");
    const auto info = x509::describe(*cert);
    detail::require_login_purpose(info);
    if (token.signing_certificate) {
        std::optional<x509::Certificate> signing;
        try {
            signing.emplace(policy.validator->certificate(*token.signing_certificate));
        } catch (const Error& e) {
            throw Error(ErrorCode::AUTH_TOKEN_INVALID, std::string("unverifiedSigningCertificate: ") + e.context());
        }
        require_signing_certificate(*cert, *signing);
    }
    validation::ValidationOptions vo;
    vo.at = at;
    vo.purpose = validation::Purpose::Auth;
    vo.revocation = policy.revocation;
    const auto report = policy.validator->validate(*cert, vo);
    if (!report.valid()) detail::refuse(report, cert->subject_text());
    return detail::identity_of(*cert, info);
}

Identity verify_login(const LoginToken& token, std::string_view nonce, const LoginPolicy& policy, TimePoint at,
                      const std::optional<NonceWindow>& window) {
    if (token.kind == TokenKind::WebEid) return verify_web_eid(parse_web_eid_token(token.text), nonce, policy, at);
    return verify_cms_login(cms_token_bytes(token.text), token.kind, nonce, policy, at, window);
}

namespace {

constexpr std::size_t kNonceRandom = 32, kNonceTime = 5, kNonceMac = 11, kNonceBytes = kNonceRandom + kNonceTime + kNonceMac;

Bytes nonce_mac(ByteView key, ByteView body) {
    auto mac = ossl::hmac_sha256(key, body);
    mac.resize(kNonceMac);
    return mac;
}

// The expiry of a nonce this key made, or nullopt (not base64 of the layout, or another MAC).
std::optional<TimePoint> nonce_expiry(ByteView key, std::string_view nonce) {
    const auto raw = base64_decode(nonce);
    if (!raw || raw->size() != kNonceBytes) return std::nullopt;
    const ByteView body(raw->data(), kNonceRandom + kNonceTime), mac(raw->data() + body.size(), kNonceMac);
    const auto want = nonce_mac(key, body);
    if (CRYPTO_memcmp(want.data(), mac.data(), kNonceMac) != 0) return std::nullopt;
    std::int64_t secs = 0;
    for (std::size_t i = 0; i < kNonceTime; ++i) secs = secs << 8 | (*raw)[kNonceRandom + i];
    return TimePoint{std::chrono::seconds(secs)};
}

Bytes fresh_key() {
    Bytes key(32);
    ossl::random_bytes(key);
    return key;
}

}  // namespace

LoginService::LoginService(store::IdentityRepository& repo, LoginPolicy policy, const Clock& clock, LoginOptions options)
    : repo_(repo), policy_(std::move(policy)), nonce_key_(repo.nonce_key(fresh_key())), clock_(clock), options_(options) {
    require_origin(policy_.origin);
}

Challenge LoginService::challenge() {
    Challenge c{"", clock_.now() + options_.nonce_lifetime};
    Bytes raw(kNonceRandom + kNonceTime);
    ossl::random_bytes(std::span(raw.data(), kNonceRandom));
    const auto secs = static_cast<std::uint64_t>(c.expires_at.time_since_epoch().count());
    for (std::size_t i = 0; i < kNonceTime; ++i) raw[kNonceRandom + i] = static_cast<std::uint8_t>(secs >> (8 * (kNonceTime - 1 - i)));
    const auto mac = nonce_mac(nonce_key_, raw);
    raw.insert(raw.end(), mac.begin(), mac.end());
    c.nonce = base64_encode(raw);
    return c;
}

Session LoginService::login(const LoginToken& token, std::string_view nonce) {
    const auto expires = nonce_expiry(nonce_key_, nonce);
    auto unknown = [] { return Error(ErrorCode::AUTH_NONCE_UNKNOWN, "the nonce was not issued here or was used already"); };
    if (!expires) throw unknown();
    const auto now = clock_.now();
    if (*expires < now) throw Error(ErrorCode::AUTH_NONCE_EXPIRED, "ask for a new challenge");
    const Bytes nonce_hash = hash_of(nonce);
    const NonceWindow window{*expires - options_.nonce_lifetime, *expires};
    Session s;
    try {
        s = {ossl::random_text(32, Base64::Url), verify_login(token, nonce, policy_, now, window), now + options_.session_lifetime};
    } catch (...) {
        if (repo_.spend_nonce(nonce_hash, *expires) == store::NonceSpent::Already) throw unknown();  // one try per challenge
        throw;
    }
    std::optional<store::AuditEntry> entry;
    if (options_.audit_entry) entry = options_.audit_entry(s.identity);
    const auto spent = repo_.open_session(nonce_hash, *expires, now, hash_of(s.token), {to_json(s.identity), person_of(s.identity)}, s.expires_at,
                                          entry, options_.seal);
    if (spent != store::NonceSpent::Now) throw unknown();  // used already, or by a login racing with this one
    return s;
}

Identity LoginService::session(std::string_view token) {
    auto subject = token.empty() ? std::nullopt : repo_.find_session(hash_of(token), clock_.now());
    if (!subject) throw Error(ErrorCode::AUTH_SESSION_INVALID, "log in first");
    return identity_from_json(*subject);
}

void LoginService::logout(std::string_view token) {
    if (token.empty() || !repo_.remove_session(hash_of(token))) throw Error(ErrorCode::AUTH_SESSION_INVALID, "no such session");
}

}  // namespace tanba::auth
