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
#include "tanba/base/file_io.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/frontend/key_loading.hpp"
#include "tanba/net/http_client.hpp"

namespace tanba::cli {

/// What every command can reach; wired once in main().
struct Context {
    const Clock& clock;
    net::HttpClient& http;  // for --fetch, --tsa, ocsp check, ts stamp
    int exit_code = 0;  // set by commands that report a verdict (1 = something invalid)
    bool quiet = false, verbose = false, show_options = false;  // global -q, -v, --show-options
    /// Where what-was-done lines and progress go: standard error, or nowhere with -q.
    std::ostream& info() const;
    /// Progress is drawn only for a terminal, and not with -q.
    bool show_progress() const;
};

using frontend::LoadedKey;
using frontend::load_key;
using frontend::PassphraseOptions;
using frontend::PassphrasePurpose;
using frontend::pin_prompt;
using frontend::resolve_passphrase;
void add_passphrase_options(CLI::App& cmd, PassphraseOptions& opts, const std::string& prefix = "");
/// Unlocks a CA's key (a file in its directory by passphrase, or a pkcs11: URI by PIN).
ca::KeyLoader loader_for(const PassphraseOptions& pass);
/// Only --pin-file (token commands).
void add_pin_option(CLI::App& cmd, PassphraseOptions& opts);

/// A file a command writes (--out): an existing one is refused before any work is done (so
/// that nothing is issued or signed for a result that cannot be written) unless --force.
struct OutputFile {
    std::string path;
    bool force = false;
    void check() const;  // throws FILE_EXISTS (with a pointer to --force)
    /// Creates the temporary file next to --out now (a missing directory or a full disk fails
    /// here, before any work); commit() the result when it exists.
    PendingFile prepare(FileMode mode = FileMode::Public, std::size_t reserve = 0) const;
    void write(ByteView data, FileMode mode = FileMode::Public) const;
};
/// --out (required) and --force.
void add_output_option(CLI::App& cmd, OutputFile& out, const std::string& description);

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
void register_auth(CLI::App& app, Context& ctx);
void register_registry(CLI::App& app, Context& ctx);
void register_oidc(CLI::App& app, Context& ctx);
void register_psc(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);  // completion scripts, man pages

}  // namespace tanba::cli
