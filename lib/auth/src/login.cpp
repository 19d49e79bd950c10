// Login by a signed challenge: the checks of one token, and challenges and sessions over the store.
#include "tanba/auth/login.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

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

std::string random_text(Base64 alphabet) {
    std::array<std::uint8_t, 32> raw{};
    ossl::random_bytes(raw);
    return base64_encode(raw, alphabet);
}

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

LoginService::LoginService(store::IdentityRepository& repo, LoginPolicy policy, const Clock& clock, LoginOptions options)
    : repo_(repo), policy_(std::move(policy)), clock_(clock), options_(options) {
    require_origin(policy_.origin);
}

Challenge LoginService::challenge() {
    Challenge c{random_text(Base64::Standard), clock_.now() + options_.nonce_lifetime};
    repo_.add_nonce(hash_of(c.nonce), c.expires_at);
    return c;
}

Session LoginService::login(const LoginToken& token, std::string_view nonce) {
    const Bytes nonce_hash = hash_of(nonce);
    auto refuse = [](store::NonceTaken found) {
        if (found == store::NonceTaken::Expired) throw Error(ErrorCode::AUTH_NONCE_EXPIRED, "ask for a new challenge");
        throw Error(ErrorCode::AUTH_NONCE_UNKNOWN, "the nonce was not issued here or was used already");
    };
    const auto peek = repo_.peek_nonce(nonce_hash, clock_.now());
    if (peek.state != store::NonceTaken::Taken) {
        repo_.take_nonce(nonce_hash, clock_.now());  // an expired one goes now
        refuse(peek.state);
    }
    const NonceWindow window{peek.expires_at - options_.nonce_lifetime, peek.expires_at};
    Session s;
    try {
        s = {random_text(Base64::Url), verify_login(token, nonce, policy_, clock_.now(), window), clock_.now() + options_.session_lifetime};
    } catch (...) {
        repo_.take_nonce(nonce_hash, clock_.now());  // one try per challenge
        throw;
    }
    std::optional<store::AuditEntry> entry;
    if (options_.audit_entry) entry = options_.audit_entry(s.identity);
    const auto found = repo_.open_session(nonce_hash, clock_.now(), hash_of(s.token), {to_json(s.identity), person_of(s.identity)}, s.expires_at,
                                          entry, options_.seal);
    if (found != store::NonceTaken::Taken) refuse(found);  // taken meanwhile by a login racing with the same nonce
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
