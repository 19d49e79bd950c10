#pragma once
// Unlocking keys for the front ends (the CLI and the server): key files by passphrase, token
// keys by PIN. A passphrase or PIN never comes from a command-line value.
#include <functional>
#include <optional>
#include <string>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::frontend {

/// Where secrets come from: key files by passphrase (pass_file | TANBA_PASSPHRASE | terminal;
/// no_passphrase when writing unencrypted), token keys by PIN (pin-source in the URI |
/// pin_file | TANBA_PIN | terminal).
struct PassphraseOptions {
    std::string pass_file;
    bool no_passphrase = false;
    std::string pin_file;
};

enum class PassphrasePurpose { Read, Create };
inline constexpr long kMinPassphraseLength = 8;  // characters, for a new key
/// For Create: nullopt means "write unencrypted" (only with no_passphrase); a passphrase
/// shorter than kMinPassphraseLength is KEY_PASSPHRASE_TOO_SHORT, a prompted one is asked
/// twice (KEY_PASSPHRASE_MISMATCH when they differ). For Read: the passphrase of an
/// encrypted input. Throws KEY_NO_PASSPHRASE when there is no source and no terminal to ask on
/// (never hangs). what names the key in the prompt.
std::optional<Secret> resolve_passphrase(const PassphraseOptions& opts, PassphrasePurpose purpose,
                                         const std::string& what);

/// A PIN or passphrase for a token operation: the first line of `file`, else TANBA_PIN for
/// a PIN asked Once, else a prompt on the terminal naming `what` (asked twice for a new one:
/// KEY_PASSPHRASE_MISMATCH when they differ). Throws TOKEN_NO_PIN without file or terminal.
enum class Entry { Once, Twice };
/// The first line of a secret's file (a session, a PIN), the file's bytes wiped after reading.
Secret secret_line(const std::string& file);
Secret secret_from(const std::string& file, const std::string& what, Entry entry);

/// A key from a file (PKCS#8 / traditional PEM or DER, encrypted or not, or PKCS#12 whose
/// certificate comes along) or from a token (a pkcs11: URI; the certificate stored beside it
/// comes along).
struct LoadedKey {
    std::unique_ptr<keys::Signer> key;
    keys::SoftwareKey* software = nullptr;  // the same key when it is a file key, else null
    ossl::Cert certificate;                 // from a PKCS#12 or the token, else null
};
LoadedKey load_key(const std::string& ref, const PassphraseOptions& opts);

/// The PIN prompt for tokens: pin_file, TANBA_PIN, a terminal (nothing otherwise). Keeps a
/// reference to opts.
std::function<std::optional<Secret>(const std::string&)> pin_prompt(const PassphraseOptions& opts);

}  // namespace tanba::frontend
