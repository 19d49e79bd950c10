#pragma once
// PKCS#11 URIs (RFC 7512): which module, token and object a key or certificate is.
#include <optional>
#include <string>

#include "tanba/base/bytes.hpp"

namespace tanba::hsm {

enum class ObjectType { Any, PrivateKey, PublicKey, Certificate };

struct Pkcs11Uri {
    // Path attributes (token and object selection); empty = any.
    std::string token, manufacturer, serial, model;
    std::string object;               // CKA_LABEL
    Bytes id;                         // CKA_ID
    ObjectType type = ObjectType::Any;
    std::optional<unsigned long> slot_id;
    // Query attributes.
    std::string module_path;          // module-path
    std::string pin_source;           // pin-source: file:/path (read), env:NAME (tanba)

    /// Parses; throws PKCS11_URI_INVALID for syntax errors, unknown or repeated attributes, and
    /// for pin-value (a PIN must never be a command-line value).
    static Pkcs11Uri parse(const std::string& text);
    /// Canonical text without any PIN (for ca.toml, messages).
    std::string str() const;
};

/// True when the text is meant as a PKCS#11 URI (starts with "pkcs11:").
bool is_pkcs11_uri(const std::string& text);

}  // namespace tanba::hsm
