/* tanba's C API: verify CMS / CAdES signatures, read certificates and check national
 * identifiers (KZ IIN/BIN, UZ PINFL) from C or any language with a C FFI (Java, C#, PHP,
 * Python, Go). Link with -ltanba (pkg-config tanba, or CMake's tanba::tanba).
 *
 * Contract, for every function:
 * - Nothing C++ crosses the boundary: handles are opaque, no exception escapes.
 * - A function that can fail returns 0 (TANBA_OK) on success, else one of tanba's stable error
 *   codes (TANBA_E_* in tanba_errors.h, the numbers of docs/error-codes.md); on failure its
 *   out-parameters are left untouched, and tanba_last_error() describes the failure.
 * - Strings in and out are UTF-8 and NUL-terminated. What the library allocates for the caller
 *   (JSON texts) is released with tanba_free(); a verifier with tanba_verifier_free().
 * - A verifier is immutable once made: one may be used from many threads at once.
 */
#ifndef TANBA_TANBA_H
#define TANBA_TANBA_H

#include <stddef.h>
#include <stdint.h>

#include "tanba/tanba_errors.h"

#if defined(__GNUC__)
#define TANBA_API __attribute__((visibility("default")))
#else
#define TANBA_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Success. */
#define TANBA_OK 0

/** Trust anchors and a revocation policy, parsed once; thread-safe. */
typedef struct tanba_verifier tanba_verifier;

/**
 * Makes a verifier from a JSON object:
 *   {"trust": [PEM, ...],             required: trust anchors (every certificate in each PEM is one)
 *    "intermediates": [PEM, ...]?,    CA certificates to build paths with
 *    "crls": [PEM or base64 DER, ...]?,
 *    "at": "2026-01-01T00:00:00Z"?,   validation time (RFC 3339); default: the time of each call
 *    "revocation": "require"|"soft"|"off"?,  default "require": an unknown status is INDETERMINATE
 *    "offline": false?,               true: no CRL/OCSP fetching, only "crls"
 *    "level": "B"|"T"?}               T: a valid signature-time-stamp is required
 * Unknown keys and wrong types are refused (TANBA_E_INVALID_ARGUMENT), as are malformed
 * certificates and CRLs (their decoding codes). On success *out holds the verifier.
 */
TANBA_API int tanba_verifier_new(const char* options_json, tanba_verifier** out);

/** Releases a verifier (NULL is ignored). No call may be using it. */
TANBA_API void tanba_verifier_free(tanba_verifier* verifier);

/**
 * Verifies a CMS / CAdES signature (DER, BER or PEM): every signer, its signed attributes, its
 * certificate's path, purpose (signing) and revocation, its signature-time-stamp. `content`
 * (content_len bytes) is the document of a detached signature; NULL for an attached one.
 * On success *report_json holds the report, the same JSON as `tanba verify --json`
 * ("indication": "VALID" | "INVALID" | "INDETERMINATE", findings, signers with their IIN/BIN
 * and roles). Returns 0 whatever the verdict: a bad signature is a report, not an error.
 */
TANBA_API int tanba_verify_cms(tanba_verifier* verifier, const uint8_t* cms, size_t cms_len, const uint8_t* content,
                               size_t content_len, char** report_json);

/**
 * Describes a certificate (DER or PEM): subject and issuer, serial, validity, IIN, BIN, PINFL,
 * names, NCA roles, key usages, policies; the same JSON as `tanba cert show --json`.
 */
TANBA_API int tanba_certificate_info(const uint8_t* der, size_t len, char** info_json);

/**
 * Checks a national identifier: kind is "iin", "bin", "pinfl", "tin" or "auto". *json is
 * {"id", "type", "valid", "code"} (code "OK" or the stable reason, with "message" when
 * invalid), and the identifier's decoded fields when valid (birthDate, sex, serial; a BIN's
 * registration year and month, entity type and attribute). An invalid identifier is a
 * result (0), an unknown kind an error.
 */
TANBA_API int tanba_identifier_check(const char* kind, const char* value, char** json);

/** Releases what the library allocated for the caller (NULL is ignored). */
TANBA_API void tanba_free(void* p);

/** The library's version, "MAJOR.MINOR.PATCH" (static storage). */
TANBA_API const char* tanba_version(void);

/**
 * What went wrong in this thread's last failed call: "CODE_NAME: context" (thread-local,
 * valid until this thread's next call into the library); "" when it succeeded.
 */
TANBA_API const char* tanba_last_error(void);

/** The stable name of an error code ("CMS_DECODE_FAILED"), or NULL for an unknown number. */
TANBA_API const char* tanba_error_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* TANBA_TANBA_H */
