#pragma once
// Software keys: generation, PKCS#8 PEM/DER (encrypted at rest), PKCS#12.
#include <filesystem>
#include <optional>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/signer.hpp"

namespace tanba::keys {

/// PBKDF2-HMAC-SHA256 iterations for keys and PKCS#12 files we write.
inline constexpr int kKdfIterations = 200000;

class SoftwareKey final : public Signer {
public:
    /// Generates a new key. Throws KEY_UNSUPPORTED, CRYPTO_FAILURE.
    static SoftwareKey generate(const KeySpec& spec);
    /// Loads a private key from PEM or DER (PKCS#8, encrypted PKCS#8, or traditional).
    /// passphrase may be null for an unencrypted key. Throws KEY_BAD_PASSPHRASE (wrong or
    /// missing passphrase for an encrypted key), KEY_DECODE_FAILED, KEY_UNSUPPORTED.
    static SoftwareKey load(ByteView data, const Secret* passphrase, std::string origin = "key");
    /// Takes ownership of an OpenSSL private key.
    SoftwareKey(ossl::PKey key, std::string origin);

    /// PKCS#8 PEM; encrypted with AES-256-CBC/PBKDF2 when passphrase is non-null.
    std::string to_pem(const Secret* passphrase) const;
    /// Unencrypted PKCS#8 DER (for tests and token import only).
    Bytes to_der_unencrypted() const;

    KeySpec spec() const override { return spec_; }
    const EVP_PKEY* public_key() const override { return public_.get(); }
    Bytes sign(ByteView message, const SignOptions& options) const override;
    std::string describe() const override { return origin_; }

    /// The private key itself, for what is not a signature format: a TLS server context
    /// (TLS keys are software keys, docs/tokens.md) and tests that drive OpenSSL directly.
    EVP_PKEY* private_key() const { return key_.get(); }

private:
    ossl::PKey key_;
    ossl::PKey public_;
    KeySpec spec_;
    std::string origin_;
};

/// True when data holds an encrypted private key (encrypted PKCS#8 PEM or DER, legacy
/// encrypted PEM, or a PKCS#12).
bool needs_passphrase(ByteView data);

/// What a PKCS#12 file holds.
struct Pkcs12Contents {
    std::optional<SoftwareKey> key;
    ossl::Cert cert;                  // may be null
    std::vector<ossl::Cert> chain;    // other certificates
};

/// True when the data parses as a PKCS#12 PFX.
bool is_pkcs12(ByteView data);
/// Opens a PKCS#12 file, including legacy RC2/3DES-encrypted ones (NCA SDK keystores).
/// Throws KEY_BAD_PASSPHRASE (MAC check failed), KEY_DECODE_FAILED, KEY_UNSUPPORTED (e.g. a
/// GOST key bag OpenSSL cannot read).
Pkcs12Contents load_pkcs12(ByteView data, const Secret& passphrase, std::string origin = "PKCS#12");
/// What a PKCS#12 holds, taken out without loading its key: for keys OpenSSL cannot load
/// itself (GOST: gost::SigningKey::from_pkcs8 reads the PrivateKeyInfo).
struct Pkcs12Raw {
    Bytes private_key_info;               // the first key bag as an unencrypted PKCS#8 (DER)
    std::vector<ossl::Cert> certificates;  // every certificate bag
};
/// Throws KEY_BAD_PASSPHRASE, KEY_DECODE_FAILED (no key bag).
Pkcs12Raw pkcs12_raw(ByteView data, const Secret& passphrase, const std::string& origin = "PKCS#12");
/// Writes a PKCS#12 (AES-256-CBC, PBKDF2, SHA-256 MAC).
Bytes make_pkcs12(const SoftwareKey& key, const X509* cert, const std::vector<ossl::Cert>& chain,
                  const Secret& passphrase, const std::string& friendly_name);

}  // namespace tanba::keys
