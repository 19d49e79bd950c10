#pragma once
// The OpenID Connect provider (OpenID Connect Core 1.0, authorization code flow; RFC 6749,
// RFC 7636 PKCE S256 required, RFC 9207 iss; RP-Initiated Logout 1.0). A user signs the
// login challenge with a card (lib/auth), and the relying party gets an ID token naming the
// IIN / PINFL from the certificate. The HTTP routes (server/) only parse and answer;
// docs/oidc.md describes the flow, the claims and every error.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tanba/auth/login.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/store/oidc_repository.hpp"

namespace tanba::oidc {

/// Request parameters, one value per name.
using Params = std::map<std::string, std::string, std::less<>>;

/// application/x-www-form-urlencoded text or a URL's query (after '?', if any) decoded. Throws
/// OIDC_INVALID_REQUEST for a repeated parameter (RFC 6749 §3.1), a broken escape, or more
/// than 64 parameters.
Params parse_form(std::string_view text);
/// `url` with the parameters appended to its query, percent-encoded.
std::string with_query(std::string url, const std::vector<std::pair<std::string, std::string>>& params);

/// The OAuth "error" value of an OIDC_* code (invalid_request, invalid_client, invalid_grant,
/// unsupported_grant_type, unsupported_response_type, invalid_scope, invalid_token, …).
std::string_view oauth_error(ErrorCode code);

/// The scopes this provider offers and the claims each releases.
inline constexpr std::string_view kScopes[] = {"openid", "profile", "kz_iin", "uz_pinfl", "organisation"};

/// A client as the administrator registers it (`tanba oidc clients add`).
struct ClientRegistration {
    std::string id;                          // 1–64 of [A-Za-z0-9._-]
    std::vector<std::string> redirect_uris;  // absolute https (http only on a loopback host), no fragment
    std::string secret;                      // client_secret_basic / _post: at least 32 characters
    std::string jwks;                        // private_key_jwt: {"keys": [RSA or EC P-256/384 JWKs]}
    std::string subject_type = "public";     // or "pairwise" (all redirect URIs on one host)
};
/// The record to store: checked, the secret hashed (PBKDF2-SHA256, random salt). Throws
/// OIDC_CLIENT_INVALID naming what is wrong; exactly one of secret and jwks is required.
store::OidcClientRecord client_record(const ClientRegistration& registration, TimePoint now);

struct ProviderOptions {
    std::string issuer;                            // https://HOST[:PORT] (http on loopback)
    std::chrono::seconds code_lifetime{60};
    std::chrono::seconds token_lifetime{600};      // ID and access tokens
    /// Keys the subject identifiers (HMAC-SHA256): with it, `sub` cannot be computed from an
    /// IIN by a client. At least 32 bytes.
    Bytes subject_secret;
    /// Called for each release of personal data to a client (token, userinfo): the audit log.
    std::function<void(const std::string& client_id, const auth::Identity& who, const std::string& action)> audit;
};

/// A checked authorization request: what the login page carries to complete().
struct Authorization {
    std::string client_id, redirect_uri, scope, state, nonce, code_challenge;
};

class Provider {
public:
    /// Publishes the signing key (keys retired by an earlier start stay published until the
    /// tokens they signed have expired). Throws CONFIG_INVALID for a bad issuer or secret.
    Provider(store::IdentityRepository& repo, auth::LoginService& login, const keys::Signer& key, ProviderOptions options,
             const Clock& clock);

    const std::string& issuer() const { return options_.issuer; }
    /// /.well-known/openid-configuration and the JWKS (JSON).
    std::string discovery() const;
    std::string jwks() const;

    /// GET /oidc/authorize. Throws OIDC_INVALID_REQUEST (no client_id or redirect_uri),
    /// OIDC_CLIENT_UNKNOWN or OIDC_REDIRECT_URI_MISMATCH: these are shown, never redirected to.
    /// Otherwise the checked request, or the redirect URI carrying the error (response_type
    /// not code, no openid scope, PKCE missing or not S256, prompt=none, request objects).
    std::variant<Authorization, std::string> authorize(const Params& params) const;

    /// The login page's last step: the request is checked again, the card's token logs in
    /// (LoginService::login, so the AUTH_* checks and the audit entry apply), and the answer
    /// is the redirect with code, state and iss. Throws what authorize() and login() throw.
    std::string complete(const Params& params, const auth::LoginToken& token, std::string_view nonce);

    /// POST /oidc/token with its form and Authorization field: the token response (JSON).
    /// Throws OIDC_INVALID_REQUEST, OIDC_INVALID_CLIENT, OIDC_INVALID_GRANT (code unknown,
    /// used — which revokes what it gave —, older than code_lifetime, another client's, other
    /// redirect_uri, wrong code_verifier, login session ended), OIDC_UNSUPPORTED_GRANT_TYPE.
    std::string token(const Params& form, std::string_view authorization);

    /// GET /oidc/userinfo with the access token: the claims its scope grants (JSON). Throws
    /// OIDC_INVALID_TOKEN (unknown, expired, or its login session ended).
    std::string userinfo(std::string_view access_token);

    /// RP-initiated logout: ends the OIDC session that id_token_hint names (and the login
    /// session behind it). Returns the post_logout_redirect_uri (with state) when it is one of
    /// the hinted client's redirect URIs, else empty. Throws OIDC_INVALID_REQUEST for a hint
    /// this provider did not sign.
    std::string end_session(const Params& params);

private:
    std::string sub_for(const store::OidcClientRecord& client, const auth::Identity& who) const;
    /// The client the token request authenticates (its record, read once).
    store::OidcClientRecord authenticate_client(const Params& form, std::string_view authorization);

    store::IdentityRepository& repo_;
    auth::LoginService& login_;
    const keys::Signer& key_;
    ProviderOptions options_;
    const Clock& clock_;
    std::string kid_, alg_;
    std::vector<store::OidcKeyRecord> published_;  // at construction: the current key, then retired ones
};

}  // namespace tanba::oidc
