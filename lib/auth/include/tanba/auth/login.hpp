#pragma once
// Logging in by signing a challenge (ARCHITECTURE.md, "Login"): the server issues a nonce
// (≥ 256 bits, single use, short-lived), the client signs it with its authentication key —
// H(origin) ‖ H(nonce) (Web eID), or a CMS / PKCS#7 SignedData over the nonce (NCALayer,
// E-IMZO: cms_login.hpp) —, the server checks token, signature, certificate purpose, path and
// revocation, and opens a session for the identity in the certificate. The HTTP routes
// (server/) only parse and answer.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tanba/auth/web_eid.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/store/identity_repository.hpp"
#include "tanba/validation/validator.hpp"

namespace tanba::auth {

/// Who logged in: what the certificate says (identifiers only when their check digits hold).
struct Identity {
    std::string iin, bin;               // Kazakhstan (NCA layout)
    std::string pinfl, tin, legal_tin;  // Uzbekistan (E-IMZO layout)
    std::string country;                // the subject's C
    std::string surname, given_name, patronymic;
    std::string common_name;
    std::vector<std::string> roles;     // NCA role names (or dotted OIDs) from the EKU
    std::string certificate_serial;     // lower-case hex
    std::string issuer;                 // RFC 2253
};
std::string to_json(const Identity& id);         // the session's subject, as stored
/// Whom an identity names in the registry and the audit log: the IIN, else "UZ:" + PINFL, else "".
std::string person_of(const Identity& id);
Identity identity_from_json(const std::string& json);

struct LoginPolicy {
    std::string origin;                              // https://HOST[:PORT], exactly
    const validation::Validator* validator = nullptr;  // the configured CAs (and their revocation source)
    validation::RevocationMode revocation = validation::RevocationMode::Require;
};

/// The offline check of one token against a nonce (`tanba auth check-token` and the server's
/// login, the same code): format, algorithm, signature for origin and nonce, certificate
/// purpose (digitalSignature, not nonRepudiation; with an EKU: clientAuth or an NCA role),
/// web-eid:1.1's signing certificate (same subject and issuer key), path to the validator's
/// anchors at `at`, revocation. Throws the AUTH_* code of the first check that fails.
Identity verify_web_eid(const WebEidToken& token, std::string_view nonce, const LoginPolicy& policy, TimePoint at);

/// A login token as the client sent it: Web eID's JSON (or its base64url), or a SignedData
/// (base64, PEM or DER) made by NCALayer (attached or detached over the nonce) or E-IMZO
/// (attached only).
enum class TokenKind { WebEid, Cms, Pkcs7 };
struct LoginToken {
    TokenKind kind = TokenKind::WebEid;
    std::string text;
};

/// When the nonce was issued and when it expires: a time-stamp in a token must fall inside.
struct NonceWindow {
    TimePoint issued;
    TimePoint expires;
};

/// Any kind of token, on the same checks (verify_web_eid, verify_cms_login).
Identity verify_login(const LoginToken& token, std::string_view nonce, const LoginPolicy& policy, TimePoint at,
                      const std::optional<NonceWindow>& window = std::nullopt);

/// A nonce is base64 (64 characters) of 48 bytes: 32 random, the expiry (5 bytes, seconds since
/// 1970, big-endian), and the first 11 bytes of HMAC-SHA256 over those 37 under the store's
/// nonce key. Issuing one writes nothing; using one records it (until it expires) as used.
struct Challenge {
    std::string nonce;
    TimePoint expires_at;
};

struct Session {
    std::string token;     // base64url of 32 random bytes: what the client sends as Bearer
    Identity identity;
    TimePoint expires_at;
};

struct LoginOptions {
    std::chrono::seconds nonce_lifetime{300};
    std::chrono::seconds session_lifetime{3600};
    /// The audit entry of a successful login (the registry's), written in the commit that
    /// takes the nonce and opens the session, with its seal. Unset: none.
    std::function<store::AuditEntry(const Identity&)> audit_entry;
    store::AuditSeal seal;
};

/// Challenges, logins and sessions over an identity store. Thread-safe.
class LoginService {
public:
    LoginService(store::IdentityRepository& repo, LoginPolicy policy, const Clock& clock, LoginOptions options = {});

    /// A fresh nonce, valid for nonce_lifetime; nothing is stored.
    Challenge challenge();
    /// AUTH_NONCE_UNKNOWN (not one this store's servers issued) / AUTH_NONCE_EXPIRED before
    /// anything else; then verify_login. The nonce is used whatever happens (one try per
    /// challenge): a refused token spends it, and a good one spends it in the one commit that
    /// opens the session (and records the audit entry); a nonce spent already is
    /// AUTH_NONCE_UNKNOWN, so that of two logins racing with one nonce only one opens a session.
    Session login(const LoginToken& token, std::string_view nonce);
    /// The identity of a live session; AUTH_SESSION_INVALID otherwise.
    Identity session(std::string_view token);
    /// Ends a session; AUTH_SESSION_INVALID when there is none.
    void logout(std::string_view token);

    const LoginPolicy& policy() const { return policy_; }
    std::chrono::seconds nonce_lifetime() const { return options_.nonce_lifetime; }

private:
    store::IdentityRepository& repo_;
    LoginPolicy policy_;
    Bytes nonce_key_;
    const Clock& clock_;
    LoginOptions options_;
};

}  // namespace tanba::auth
