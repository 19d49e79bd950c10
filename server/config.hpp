#pragma once
// tanba-server's configuration: one TOML file (server/tanba-server.toml.example documents
// every key) and the command-line flags that stand in for it. Parsed once into this struct and
// validated whole: every problem is reported, not just the first.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "http_server.hpp"
#include "tanba/frontend/key_loading.hpp"

namespace tanba::server {

/// A key: a file or a pkcs11: URI, and where its passphrase or PIN comes from.
struct KeySource {
    std::string ref;
    frontend::PassphraseOptions secrets;
};

/// Online: the CA's key is loaded (it signs CRLs and OCSP). Offline (a root kept off the
/// network): no key; its certificate and the latest CRL made with `tanba ca crl` are served,
/// OCSP only by a delegated responder.
enum class CaKey { Online, Offline };

struct CaSettings {
    std::filesystem::path dir;                 // a `tanba ca init` directory
    frontend::PassphraseOptions secrets;       // for the CA key: its own pass file, if any
    std::string default_pass_file;             // when it has none and its ca.toml names none (--pass-file)
    CaKey key = CaKey::Online;
    std::string ocsp_cert;                     // delegated OCSP signer (ocsp-signer profile), optional
    std::optional<KeySource> ocsp_key;
};

struct TsaSettings {
    std::string cert;                          // tsa profile: critical timeStamping EKU
    KeySource key;
    std::string chain;                         // CA certificates to include, optional
    std::string policy = "1.2.398.3.3.2.6.1";
};

struct TlsConfig {
    std::string cert_chain;
    KeySource key;
};

struct Listen {
    std::string host;
    unsigned short port = 0;
};

/// The request log: standard error, or a file rotated by size (spdlog's rotating sink:
/// server.log, then server.1.log … server.<max_files>.log, oldest dropped).
struct LogSettings {
    std::string level = "info";
    std::string file;                           // empty: standard error
    std::size_t max_bytes = 100 << 20;
    std::size_t max_files = 5;
    /// Successful OCSP lines: one in this many is logged (1: all). Errors are always logged.
    std::size_t sample_ok_ocsp = 1;
};

/// The identification server (logins, the registry, issuance to persons): its store, the
/// origin login tokens are signed for, and the CA that issues.
struct IdentitySettings {
    std::string store;                         // "sqlite:PATH"
    std::string origin;                        // https://HOST[:PORT], exactly as browsers send it
    std::chrono::seconds nonce_lifetime{300};
    std::chrono::seconds session_lifetime{3600};
    std::size_t auth_requests_per_minute = 120;   // per client address, challenge and login together
    /// The id of the served CA (with its key) that issues persons' certificates; empty: the
    /// only such CA, if there is exactly one.
    std::string issuing_ca;
};

/// The OpenID Connect provider (docs/oidc.md), beside the identity store it logs in through.
struct OidcSettings {
    std::string issuer;                        // empty: the identity origin
    KeySource key;                             // signs ID tokens (file or pkcs11: URI)
    std::string subject_secret_file;           // keys the subject identifiers (at least 32 bytes)
    std::chrono::seconds code_lifetime{60};
    std::chrono::seconds token_lifetime{600};
    std::string ncalayer_url = "wss://127.0.0.1:13579/";  // where the login page finds NCALayer
};

/// Who may call the verification API (/api/v1/verify/cms, /api/v1/certificates/info).
enum class VerifyAccess { Open, Session };

/// The verification API for developers: signatures and certificates checked against the
/// served CAs' roots and the anchors named here.
struct VerifySettings {
    VerifyAccess access = VerifyAccess::Session;  // Session needs [identity]
    std::vector<std::string> trust;               // more trust anchors (PEM files, each one or more)
    std::vector<std::string> untrusted;           // intermediate CAs to build paths with
    bool fetch = false;                           // fetch other CAs' CRLs and OCSP over the network
    std::size_t max_body_bytes = 4 << 20;         // these endpoints' request bodies (documents)
};

struct ServerConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    /// A second listener for /healthz, /readyz and /metrics only, with its own thread: probes
    /// are answered however busy the main listener is.
    std::optional<Listen> probe;
    unsigned threads = 0;                      // 0: one per core
    HttpLimits limits;
    std::optional<TlsConfig> tls;
    std::vector<CaSettings> cas;
    std::optional<TsaSettings> tsa;
    std::chrono::seconds ocsp_validity{3600};
    std::chrono::milliseconds refresh_interval{2000};  // background job: revocations, CRLs, OCSP
    bool ocsp_presign = true;
    std::size_t ocsp_max_cached = 1'000'000;
    std::chrono::seconds crl_validity{24 * 3600};
    bool crl_auto_issue = true;                // the server issues full and delta CRLs when due
    /// A CA or responder certificate expiring sooner is warned about (hourly, in the log).
    std::chrono::hours cert_expiry_warning{30 * 24};
    LogSettings log;
    std::optional<IdentitySettings> identity;
    std::optional<OidcSettings> oidc;
    std::optional<VerifySettings> verify;
};

/// Reads a TOML file. Throws CONFIG_INVALID listing every problem ("file: key: what").
ServerConfig load_config(const std::filesystem::path& file);

/// Parses "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8443"). Throws CONFIG_INVALID.
Listen parse_listen(const std::string& listen);
void set_listen(ServerConfig& config, const std::string& listen);

/// Checks what the file alone cannot: something to serve, files and CA directories present,
/// key sources paired. Throws CONFIG_INVALID listing every problem.
void validate(const ServerConfig& config);

}  // namespace tanba::server
