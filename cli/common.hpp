#pragma once
// Shared pieces of the tanba command groups: options structs, passphrases, key loading, output.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/base/error.hpp"
#include "tanba/keys/software_key.hpp"

namespace tanba::cli {

/// What every command can reach; wired once in main().
struct Context {
    const Clock& clock;
    int exit_code = 0;  // set by commands that report a verdict (1 = something invalid)
};

/// How keys are unlocked: key files by passphrase (--pass-file F | TANBA_PASSPHRASE | terminal |
/// --no-passphrase for writing), token keys by PIN (pin-source in the URI | --pin-file F |
/// TANBA_PIN | terminal). Never a command-line value.
struct PassphraseOptions {
    std::string pass_file;
    bool no_passphrase = false;
    std::string pin_file;
};
void add_passphrase_options(CLI::App& cmd, PassphraseOptions& opts, const std::string& prefix = "");
/// Only --pin-file (token commands).
void add_pin_option(CLI::App& cmd, PassphraseOptions& opts);

enum class PassphrasePurpose { Read, Create };
/// For Create: nullopt means "write unencrypted" (only with --no-passphrase). For Read: the
/// passphrase of an encrypted input. Throws KEY_NO_PASSPHRASE when there is no source and no
/// terminal to ask on (never hangs). what names the key in the prompt.
std::optional<Secret> resolve_passphrase(const PassphraseOptions& opts, PassphrasePurpose purpose,
                                         const std::string& what);

/// A key from a file (PKCS#8 / traditional PEM or DER, encrypted or not, or PKCS#12 whose
/// certificate comes along) or from a token (a pkcs11: URI; the certificate stored beside it
/// comes along).
struct LoadedKey {
    std::unique_ptr<keys::Signer> key;
    keys::SoftwareKey* software = nullptr;  // the same key when it is a file key, else null
    ossl::Cert certificate;                 // from a PKCS#12 or the token, else null
};
LoadedKey load_key(const std::string& ref, const PassphraseOptions& opts);

/// The PIN prompt for tokens: --pin-file, TANBA_PIN, a terminal (nothing otherwise).
std::function<std::optional<Secret>(const std::string&)> pin_prompt(const PassphraseOptions& opts);

/// Prints a JSON document to standard output.
void print_json(const nlohmann::json& j);
void print_ordered_json(const nlohmann::ordered_json& j);  // keeps insertion order

void register_id(CLI::App& app, Context& ctx);
void register_key(CLI::App& app, Context& ctx);
void register_csr(CLI::App& app, Context& ctx);
void register_ca(CLI::App& app, Context& ctx);
void register_cert(CLI::App& app, Context& ctx);
void register_errors(CLI::App& app, Context& ctx);
void register_sign(CLI::App& app, Context& ctx);  // sign and verify
void register_token(CLI::App& app, Context& ctx);
void register_ocsp(CLI::App& app, Context& ctx);
void register_ts(CLI::App& app, Context& ctx);

}  // namespace tanba::cli
