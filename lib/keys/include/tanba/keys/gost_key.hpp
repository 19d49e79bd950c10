#pragma once
// A GOST key in software (Kazakhstan's GOST-2015-512 or GOST-2004) as a keys::Signer: lib/gost
// makes its signatures; files are PKCS#8, encrypted at rest like SoftwareKey's (PBES2,
// PBKDF2-SHA256, AES-256-CBC); Kalkan's PKCS#12 keystores are read too. OpenSSL holds no
// EVP_PKEY for it: public_key() is nullptr, public_key_der() the SubjectPublicKeyInfo.
#include <memory>
#include <optional>
#include <string>

#include "tanba/keys/signer.hpp"

namespace tanba::gost {
class SigningKey;
}

namespace tanba::keys {

/// A fresh software key of any spec (SoftwareKey, or GostKey for the GOST ones) and its PKCS#8
/// PEM, encrypted with the passphrase when given.
struct NewKey {
    std::unique_ptr<Signer> key;
    std::string pem;
};
NewKey generate_key(const KeySpec& spec, const Secret* passphrase);

class GostKey final : public Signer {
public:
    /// A fresh key for spec gost2015-512 or gost2004; KEY_UNSUPPORTED for other specs.
    static GostKey generate(const KeySpec& spec);
    /// A GOST key from a PKCS#8 file (PEM or DER, encrypted with `passphrase` or not) or a
    /// Kalkan / NCA PKCS#12 keystore; nullopt when the data holds a key of another algorithm.
    /// Throws KEY_BAD_PASSPHRASE, KEY_DECODE_FAILED.
    static std::optional<GostKey> load(ByteView data, const Secret* passphrase, std::string origin = "key");
    /// From an unencrypted PKCS#8 PrivateKeyInfo (DER; a PKCS#12's key bag); nullopt when it
    /// holds a key of another algorithm. Throws KEY_DECODE_FAILED.
    static std::optional<GostKey> from_private_key_info(ByteView der, std::string origin);
    GostKey(GostKey&&) noexcept;
    GostKey& operator=(GostKey&&) noexcept;
    ~GostKey() override;

    KeySpec spec() const override;
    const EVP_PKEY* public_key() const override { return nullptr; }
    Bytes public_key_der() const override;
    /// Streebog-512 (GOST-2015-512) or GOST R 34.11-94 (GOST-2004), under their KZ OIDs.
    std::string digest_algorithm(const SignOptions& options) const override;
    /// The GOST signature algorithm (options are not used: the algorithm fixes its digest).
    Bytes algorithm_identifier(const SignOptions& options) const override;
    /// r‖s little-endian over the message digested by the algorithm (NCA RK's form).
    Bytes sign(ByteView message, const SignOptions& options) const override;
    std::string describe() const override { return origin_; }

    /// PKCS#8 PEM: "ENCRYPTED PRIVATE KEY" with a passphrase, else "PRIVATE KEY" (tests only).
    std::string to_pem(const Secret* passphrase) const;

private:
    GostKey(std::unique_ptr<gost::SigningKey> key, std::string origin);
    std::unique_ptr<gost::SigningKey> key_;
    std::string origin_;
};

}  // namespace tanba::keys
