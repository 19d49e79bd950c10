#pragma once
// Keys and certificates on PKCS#11 tokens (HSMs, smart cards) through libp11: a keys::Signer
// whose key never leaves the token, and the token administration the CLI offers.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/hsm/uri.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::hsm {

/// Asked for the user PIN when the URI has no pin-source. `what` names the token. Returns
/// nullopt when there is no source (the caller then gets TOKEN_NO_PIN).
using PinPrompt = std::function<std::optional<Secret>(const std::string& what)>;

/// The module a URI means: module-path, else $TANBA_PKCS11_MODULE, else OpenSC's module.
std::string module_of(const Pkcs11Uri& uri);

struct TokenInfo {
    unsigned long slot_id = 0;
    std::string slot_description;
    std::string label, manufacturer, model, serial;
    bool login_required = false;
    bool pin_count_low = false, pin_final_try = false, pin_locked = false;
};

struct ObjectInfo {
    ObjectType type = ObjectType::Any;
    std::string label;
    Bytes id;
    std::string detail;   // key type and size, or the certificate's subject
    /// A URI naming this object on its token.
    std::string uri;
};

/// Slots with a token. Throws PKCS11_MODULE_FAILED.
std::vector<TokenInfo> list_tokens(const std::string& module_path);

/// Objects of the token the URI names (private objects after login).
std::vector<ObjectInfo> list_objects(const Pkcs11Uri& uri, const PinPrompt& pin);

/// The private key the URI names, as a Signer (the token does the signing; one lock per token
/// so concurrent signers are safe). Errors: PKCS11_MODULE_FAILED, TOKEN_NOT_FOUND,
/// TOKEN_PIN_INCORRECT (with what the token says about retries), TOKEN_PIN_LOCKED,
/// TOKEN_NO_PIN, TOKEN_OBJECT_NOT_FOUND, KEY_UNSUPPORTED.
std::unique_ptr<keys::Signer> open_signer(const Pkcs11Uri& uri, const PinPrompt& pin);

/// The certificate stored beside the key the URI names (same id or label), if any.
std::optional<x509::Certificate> find_certificate(const Pkcs11Uri& uri, const PinPrompt& pin);

/// Generates a key pair on the token: private key sensitive, never extractable, CKA_TOKEN;
/// label = the URI's object, id = its id (random 8 bytes when absent). Returns its URI.
std::string generate_key(const Pkcs11Uri& uri, const keys::KeySpec& spec, const PinPrompt& pin);

/// Stores a certificate on the token with the URI's label and id.
void import_certificate(const Pkcs11Uri& uri, const x509::Certificate& cert, const PinPrompt& pin);

// Lifecycle of a card or HSM token, as a public service centre runs it.

enum class Reinit { Refuse, Erase };
struct TokenInit {
    std::string module_path;                  // empty: module_of({})
    std::optional<unsigned long> slot_id;     // empty: the one slot whose token is not initialised
    std::string label;                        // up to 32 bytes
    Reinit reinit = Reinit::Refuse;           // an initialised token is TOKEN_NOT_EMPTY unless Erase
};
/// C_InitToken with the SO PIN and label, then the user PIN (C_InitPIN as SO). Returns the
/// token's URI. Throws TOKEN_NOT_FOUND, TOKEN_NOT_EMPTY, TOKEN_PIN_INVALID, TOKEN_OPERATION_FAILED.
std::string init_token(const TokenInit& init, const Secret& so_pin, const Secret& user_pin);
/// The user changes their PIN (C_SetPIN). Throws TOKEN_PIN_INCORRECT, TOKEN_PIN_LOCKED, TOKEN_PIN_INVALID.
void change_pin(const Pkcs11Uri& token, const Secret& old_pin, const Secret& new_pin);
/// The security officer sets a new user PIN, unblocking a locked one (C_InitPIN as SO).
/// Throws TOKEN_PIN_INCORRECT (the SO PIN), TOKEN_PIN_LOCKED, TOKEN_PIN_INVALID.
void unblock_pin(const Pkcs11Uri& token, const Secret& so_pin, const Secret& new_pin);
/// Stores a software key on the token (object= label, id= given or random): a private key
/// object that is sensitive and not extractable, and its public key. RSA and EC P-256/P-384.
/// Returns the key's URI. Throws KEY_UNSUPPORTED, TOKEN_* errors.
std::string import_key(const Pkcs11Uri& uri, const keys::SoftwareKey& key, const PinPrompt& pin);

}  // namespace tanba::hsm
