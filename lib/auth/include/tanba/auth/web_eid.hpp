#pragma once
// Web eID authentication tokens (web-eid:1.0 and web-eid:1.1, https://github.com/web-eid):
// parsed once into an immutable value, then checked against the origin and the nonce the
// server issued (login.hpp). docs/login.md lists every check and its code.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/signer.hpp"

namespace tanba::auth {

struct WebEidToken {
    std::string format;          // "web-eid:1.0", "web-eid:1.1", ...
    std::string algorithm;       // "ES384", ...
    keys::SignOptions sign;      // its hash and (RSA) padding
    Bytes certificate;           // unverifiedCertificate, DER
    Bytes signature;             // as sent: raw r‖s for ECDSA
    std::string app_version;
    /// web-eid:1.1: unverifiedSigningCertificate (DER) and supportedSignatureAlgorithms as sent.
    std::optional<Bytes> signing_certificate;
    std::vector<std::string> supported_signature_algorithms;  // "ECC/SHA-384/NONE", ...
};

/// The token's JSON (100–10,000 bytes; unknown fields ignored). Also the base64url of it, as
/// mobile flows return it in a URL fragment. Throws AUTH_TOKEN_INVALID (shape, size, base64),
/// AUTH_TOKEN_FORMAT_UNSUPPORTED (format not web-eid:1.x), AUTH_ALGORITHM_UNSUPPORTED.
WebEidToken parse_web_eid_token(std::string_view text);

/// What the token's signature is over: H(origin) ‖ H(nonce), H the algorithm's hash.
Bytes web_eid_signed_data(const WebEidToken& token, std::string_view origin, std::string_view nonce);

/// Checks the signature with the certificate's key (ECDSA raw r‖s or RSA PKCS#1 / PSS).
bool web_eid_signature_valid(const WebEidToken& token, const EVP_PKEY* key, std::string_view origin, std::string_view nonce);

/// Throws CONFIG_INVALID unless origin is https://HOST[:PORT] (no path, no trailing slash).
void require_origin(std::string_view origin);

}  // namespace tanba::auth
