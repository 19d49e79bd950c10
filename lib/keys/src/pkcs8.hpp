#pragma once
// PKCS#8 as bytes, whatever the key inside (SoftwareKey's OpenSSL keys, GostKey's GOST ones).
#include <openssl/x509.h>

#include <string>

#include "tanba/base/bytes.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::keys::detail {

/// PEM: "ENCRYPTED PRIVATE KEY" (PBES2, PBKDF2-SHA256 kKdfIterations, AES-256-CBC) with a
/// passphrase, else "PRIVATE KEY".
std::string pkcs8_pem(const PKCS8_PRIV_KEY_INFO* info, const Secret* passphrase);
/// The PrivateKeyInfo in PKCS#8 PEM or DER, decrypted with the passphrase when encrypted;
/// null when the data is not PKCS#8. Throws KEY_BAD_PASSPHRASE.
ossl::Pkcs8Info pkcs8_info(ByteView data, const Secret* passphrase, const std::string& origin);

}  // namespace tanba::keys::detail
