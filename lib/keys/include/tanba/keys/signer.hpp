#pragma once
// keys::Signer — the only thing signature formats (X.509, CMS, CRL, OCSP, TSP) see of a key.
// A software key, a PKCS#12 file and a PKCS#11 token key all implement it. No private-key
// handle leaves a Signer: formats build their to-be-signed bytes, take the AlgorithmIdentifier
// from algorithm_identifier() and the signature from sign().
#include <optional>
#include <string>
#include <string_view>

#include "tanba/base/bytes.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::keys {

enum class KeyAlgorithm { Rsa, EcP256, EcP384, Ed25519, Gost2015_512, Gost2004 };  ///< GOST: Kazakhstan's NCA algorithms (keys::GostKey)
enum class HashAlg { Sha256, Sha384, Sha512, None };  ///< None: the algorithm hashes itself (Ed25519)
enum class RsaPadding { Pkcs1v15, Pss };

/// A key type and size as named on the command line: rsa-2048, rsa-3072, rsa-4096,
/// ecdsa-p256, ecdsa-p384, ed25519, gost2015-512, gost2004.
struct KeySpec {
    KeyAlgorithm algorithm;
    int bits;  ///< RSA modulus size, curve size (256/384), or 256 for Ed25519
};
/// Throws KEY_UNSUPPORTED for names not listed above.
KeySpec parse_key_spec(std::string_view name);
std::string to_string(const KeySpec& spec);  ///< The name parse_key_spec() takes, e.g. "ecdsa-p256".
std::string_view to_string(KeyAlgorithm a);  ///< The algorithm's name.
std::string_view to_string(HashAlg h);  ///< "sha256", "sha384", "sha512", …

struct SignOptions {
    HashAlg hash = HashAlg::Sha256;
    RsaPadding padding = RsaPadding::Pkcs1v15;
};
/// The conventional options for a key: SHA-256 (SHA-384 for P-384, none for Ed25519 and GOST,
/// which hash themselves), PKCS#1 v1.5.
SignOptions default_sign_options(KeyAlgorithm a);

/// The OpenSSL digest for a hash (nullptr for HashAlg::None).
const EVP_MD* digest_of(HashAlg h);

class Signer {
public:
    virtual ~Signer() = default;

    virtual KeySpec spec() const = 0;  ///< The key's algorithm and size.
    /// The public key: a handle without the private part (for key identifiers and checks);
    /// nullptr for a key OpenSSL cannot hold (GOST: use public_key_der()).
    virtual const EVP_PKEY* public_key() const = 0;
    /// The DER AlgorithmIdentifier of the signatures sign() makes with these options (e.g.
    /// sha256WithRSAEncryption, RSASSA-PSS with its parameters, ecdsa-with-SHA384, Ed25519).
    /// The default derives it from public_key(); a Signer of another family overrides it.
    /// Throws KEY_UNSUPPORTED for a combination the key cannot make (PSS on an EC key).
    virtual Bytes algorithm_identifier(const SignOptions& options) const;
    /// Signs message (hashing it as options say). Thread-safe. Throws KEY_SIGN_FAILED, or
    /// TOKEN_OPERATION_FAILED for a key on a token.
    virtual Bytes sign(ByteView message, const SignOptions& options) const = 0;
    /// Where the key lives, for messages ("file ca/ca.key", "pkcs11:token=...") — never secrets.
    virtual std::string describe() const = 0;

    /// SubjectPublicKeyInfo DER (of public_key(), unless overridden).
    virtual Bytes public_key_der() const;
    /// The digest algorithm (dotted OID) a document's digest is taken with for signatures made
    /// with these options (CMS messageDigest): the options' SHA-2, unless the key's algorithm
    /// fixes its own (GOST: Streebog-512, GOST R 34.11-94).
    virtual std::string digest_algorithm(const SignOptions& options) const;
};

/// The algorithm and size of an OpenSSL key; KEY_UNSUPPORTED for anything else (e.g. GOST).
KeySpec spec_of(const EVP_PKEY* key);

/// True when both keys have the same public part.
bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

/// A copy of key's public part alone (what Signer::public_key() hands out).
ossl::PKey public_part(const EVP_PKEY* key);

/// Signs with an OpenSSL private-key handle (software or token-backed); throws KEY_SIGN_FAILED.
/// The common body of Signer::sign for keys that OpenSSL can drive.
Bytes sign_with(EVP_PKEY* key, ByteView message, const SignOptions& options);

/// ECDSA signatures between DER (what sign() makes and verify() takes) and r‖s, each of
/// `half` bytes (JOSE, Web eID). nullopt for input that is not such a signature.
std::optional<Bytes> ecdsa_der_from_raw(ByteView raw);  ///< r‖s → DER.
std::optional<Bytes> ecdsa_raw_from_der(ByteView der, std::size_t half);  ///< DER → r‖s of `half` bytes each.

/// Verifies a signature made by sign() with the public key (used by tests and self-checks).
bool verify(const EVP_PKEY* key, ByteView message, ByteView signature, const SignOptions& options);

}  // namespace tanba::keys
