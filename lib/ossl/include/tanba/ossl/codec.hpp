#pragma once
// PEM/DER I/O and small ASN.1 helpers. All functions throw tanba::Error on failure.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::ossl {

/// True when the data looks like PEM text ("-----BEGIN ").
bool is_pem(ByteView data);

/// All PEM blocks with the given label ("CERTIFICATE", "CERTIFICATE REQUEST", ...), as DER.
std::vector<Bytes> pem_blocks(ByteView pem, std::string_view label);
/// The DER objects of input that is either PEM (the blocks with the first of `labels` that has
/// any) or one DER object (the input itself). Throws `code` when PEM input has none of them.
std::vector<Bytes> der_objects(ByteView data, std::initializer_list<std::string_view> labels, ErrorCode code);
/// One PEM block with the label, wrapped at 64 columns.
std::string to_pem(ByteView der, std::string_view label);

Cert cert_from_der(ByteView der);
Bytes cert_to_der(const X509* cert);

Req req_from_der(ByteView der);
Bytes req_to_der(const X509_REQ* req);

/// Converts between ASN1_TIME and TimePoint (whole seconds, UTC).
TimePoint to_time_point(const ASN1_TIME* t);
Asn1Time to_asn1_time(TimePoint t);

/// Big-endian magnitude of a (non-negative) ASN.1 INTEGER and back.
Bytes integer_bytes(const ASN1_INTEGER* i);
Asn1Integer integer_from_bytes(ByteView bytes);

/// Dotted text of an object ("1.2.398.3.3.4.1.1") and its short/long name when one is registered.
std::string oid_text(const ASN1_OBJECT* obj);
std::string oid_name(const ASN1_OBJECT* obj);
/// Parses dotted text (numeric only). Throws INVALID_ARGUMENT.
Asn1Object oid_from_text(std::string_view dotted);

/// The DSA public key of a certificate whose SubjectPublicKeyInfo omits the domain
/// parameters, with the parameters of `params_from` (its issuer's DSA key: RFC 3279 §2.3.2
/// inheritance). Null when the certificate's key is not such a key.
PKey dsa_key_inheriting(const X509* cert, const EVP_PKEY* params_from);

/// DER of an OpenSSL object through its i2d function (const or not). Throws CRYPTO_FAILURE
/// naming `what`.
template <class T, class I2d>
Bytes encode(const T* obj, I2d i2d, const char* what) {
    unsigned char* out = nullptr;
    const int n = i2d(const_cast<T*>(obj), &out);
    OpenSslBytes guard(out);
    if (n <= 0) throw error(ErrorCode::CRYPTO_FAILURE, std::string("encoding ") + what);
    return Bytes(out, out + n);
}

/// Fills a buffer with cryptographically secure random bytes. Throws CRYPTO_FAILURE.
void random_bytes(std::span<std::uint8_t> out);

/// SHA-1 / SHA-256 digest of the data.
Bytes sha1(ByteView data);
Bytes sha256(ByteView data);
/// The digest of the data with any OpenSSL digest. Throws CRYPTO_FAILURE.
Bytes digest(const EVP_MD* md, ByteView data);
/// HMAC-SHA256 of the data under the key (32 bytes). Throws CRYPTO_FAILURE.
Bytes hmac_sha256(ByteView key, ByteView data);
/// A key's big-number parameter (OSSL_PKEY_PARAM_…) big-endian, left-padded to `pad` bytes
/// when given. Throws KEY_UNSUPPORTED when the key has none.
Bytes bn_param(const EVP_PKEY* key, const char* name, std::size_t pad = 0);
/// base64 (or base64url) of `bytes` random bytes: nonces, session and access tokens.
std::string random_text(std::size_t bytes, Base64 alphabet);

}  // namespace tanba::ossl
