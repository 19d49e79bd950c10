#pragma once
// A GOST private key in software (Botan): generation, PKCS#8, the public key in the KZ NCA or
// the Russian OID layout, and signatures in NCA's byte order. The first half of GOST signing
// (issue 15): keys::Signer and the CA reach it next.
#include <memory>

#include "tanba/gost/signature.hpp"

namespace tanba::gost {

/// Which OIDs a key's AlgorithmIdentifier carries: Kazakhstan's (what NCA RK issues) or the
/// Russian ones they alias (what other GOST software, e.g. OpenSSL's GOST engine, reads).
enum class OidSet { Kz, Russian };

class SigningKey {
public:
    /// A fresh key: Kz2015_512 (tc26-512 paramSetA) or Kz2004 (CryptoPro-A). Throws
    /// KEY_UNSUPPORTED for the Russian-only algorithms.
    static SigningKey generate(Algorithm algorithm);
    /// From an unencrypted PKCS#8 PrivateKeyInfo (KZ or Russian OIDs): as pkcs8() writes it, or
    /// as Kalkan does (the scalar as an INTEGER; keys::pkcs12_raw takes it out of
    /// an NCA keystore). Throws KEY_DECODE_FAILED.
    static SigningKey from_pkcs8(ByteView der);
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;
    ~SigningKey();

    Algorithm algorithm() const { return algorithm_; }
    /// SubjectPublicKeyInfo DER: AlgorithmIdentifier {key OID, {curve OID, digest OID}}, the
    /// point as OCTET STRING x‖y, each little-endian (RFC 4491).
    Bytes spki(OidSet oids = OidSet::Kz) const;
    /// PKCS#8 PrivateKeyInfo DER, unencrypted (the caller encrypts it at rest): the private
    /// scalar as an OCTET STRING, little-endian.
    Bytes pkcs8(OidSet oids = OidSet::Kz) const;
    /// The signature over data (digested by the algorithm), r‖s each little-endian (NCA's order).
    Bytes sign(ByteView data) const;

private:
    struct State;
    SigningKey(Algorithm a, std::unique_ptr<State> s);
    Algorithm algorithm_;
    std::unique_ptr<State> state_;
};

}  // namespace tanba::gost
