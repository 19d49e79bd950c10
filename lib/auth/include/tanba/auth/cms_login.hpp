#pragma once
// Logins by a CMS / PKCS#7 SignedData over the server's nonce, as NCALayer (Kazakhstan:
// `createCMSSignatureFromBase64` with the AUTHENTICATION key, or `basics.sign` format "cms")
// and E-IMZO (Uzbekistan: `pkcs7.create_pkcs7(b64(challenge), key, 'no')`) make them.
// The nonce is taken from the signed content only: the attached content must be the nonce's
// exact bytes, and a detached signature is verified over them. docs/login.md lists the checks.
#include <optional>
#include <string_view>

#include "tanba/auth/login.hpp"
#include "tanba/base/bytes.hpp"

namespace tanba::auth {

/// Largest SignedData accepted as a login token (a certificate chain and a time-stamp fit).
inline constexpr std::size_t kMaxCmsToken = 64 * 1024;

/// The SignedData of a token: base64 (line breaks allowed), PEM ("CMS" / "PKCS7") or DER.
/// Throws AUTH_TOKEN_INVALID (empty, too large, not base64).
Bytes cms_token_bytes(std::string_view text);

/// Checks one CMS token against the nonce: exactly one signer (AUTH_SIGNERS_INVALID); the
/// content the nonce (AUTH_NONCE_MISMATCH; attached required for E-IMZO's Pkcs7 kind); the
/// signature and its signed attributes (AUTH_SIGNATURE_INVALID); the certificate's purpose
/// (AUTH_CERT_NOT_FOR_LOGIN); path and revocation at `at` (AUTH_CERT_*); a valid
/// signature-time-stamp, when there is one, inside the window (AUTH_TIMESTAMP_OUT_OF_WINDOW).
Identity verify_cms_login(ByteView cms, TokenKind kind, std::string_view nonce, const LoginPolicy& policy, TimePoint at,
                          const std::optional<NonceWindow>& window);

}  // namespace tanba::auth
