#pragma once
// The JOSE the provider needs (RFC 7515, 7517, 7518, 7519, 7638): signing JWTs with a
// keys::Signer, publishing its public key as a JWK, and checking a client's JWT against its
// JWKS. Nothing here decides what a token means (provider.cpp does).
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "tanba/keys/signer.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::oidc::jose {

/// The JWS alg of a key: ES256 (P-256), ES384 (P-384), RS256 (RSA), EdDSA (Ed25519).
std::string alg_of(keys::KeySpec spec);
/// The hash an alg signs with (also at_hash's).
keys::HashAlg hash_of(std::string_view alg);

/// The public JWK of a key, with "kid" (its RFC 7638 thumbprint), "alg" and "use": "sig".
nlohmann::json public_jwk(const EVP_PKEY* key, keys::KeySpec spec);

/// A compact JWS of the claims, header {alg, kid, typ: "JWT"}.
std::string sign(const keys::Signer& signer, const std::string& kid, const nlohmann::json& claims);

/// The key of an EC (P-256, P-384) or RSA JWK; null for another or a malformed one.
ossl::PKey key_from_jwk(const nlohmann::json& jwk);

struct Decoded {
    nlohmann::json header, claims;
    std::string signing_input;
    Bytes signature;       // as sent (r‖s for ECDSA)
};
/// The three parts of a compact JWS (at most 16 KiB); nullopt when it is not one.
std::optional<Decoded> decode(std::string_view jwt);
/// True when one of the JWKS's keys (the header's kid, if it names one) verifies the JWS with
/// the header's alg, which must be RS256/384/512, PS256/384/512, ES256/384 or EdDSA.
bool verified(const Decoded& jws, const nlohmann::json& jwks);

/// base64url of the left half of the access token's hash (OIDC Core §3.1.3.6).
std::string half_hash(std::string_view alg, std::string_view token);

}  // namespace tanba::oidc::jose
