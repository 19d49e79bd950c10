// tanba-server — OCSP, CRLs, CA certificates and time-stamps over HTTP. Parses the
// configuration, wires the services to the HTTP server, logs one line per request.
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "config.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "routes.hpp"
#include "services.hpp"
#include "tanba/base/version.hpp"
#include "tanba/frontend/process.hpp"
#include "tanba/ossl/runtime.hpp"

namespace {

using namespace tanba;
using namespace tanba::server;

struct Flags {
    std::string config, listen, probe_listen, log_file, store, origin, verify_api, tsa_cert, tsa_key, tsa_chain, ocsp_cert, ocsp_key, tls_cert, tls_key, log_level;
    std::vector<std::string> cas, offline_cas, ca_pass_files, trust;
    std::string ocsp_pass_file, tsa_pass_file, tls_pass_file;
    std::string issuer, oidc_key, oidc_pass_file, oidc_subject_secret_file;
    frontend::PassphraseOptions secrets;  // --pass-file / --pin-file: for every key without its own
    unsigned threads = 0;
    bool check = false;
    bool allow_core_dumps = false, refuse_root = false;
};

// The configuration: the file (if any), then the flags on top.
ServerConfig configure(const Flags& f) {
    ServerConfig c = f.config.empty() ? ServerConfig{} : load_config(f.config);
    if (!f.listen.empty()) set_listen(c, f.listen);
    // A key's own pass file, else the common one.
    auto secrets_with = [&f](const std::string& own) {
        frontend::PassphraseOptions s = f.secrets;
        if (!own.empty()) s.pass_file = own;
        return s;
    };
    if (f.ca_pass_files.size() > f.cas.size())
        throw Error(ErrorCode::USAGE, "--ca-pass-file: more than the --ca directories given (the i-th is for the i-th --ca)");
    const std::size_t first = c.cas.size();
    for (std::size_t i = 0; i < f.cas.size(); ++i) {
        CaSettings ca;
        ca.dir = f.cas[i];
        ca.secrets = f.secrets;
        ca.secrets.pass_file = i < f.ca_pass_files.size() ? f.ca_pass_files[i] : "";
        ca.default_pass_file = f.secrets.pass_file;
        c.cas.push_back(ca);
    }
    for (const auto& dir : f.offline_cas) {
        CaSettings ca;
        ca.dir = dir;
        ca.key = CaKey::Offline;
        c.cas.push_back(ca);
    }
    if (!f.ocsp_cert.empty() || !f.ocsp_key.empty()) {
        if (c.cas.size() == first) throw Error(ErrorCode::USAGE, "--ocsp-cert/--ocsp-key sign for the first --ca (or --offline-ca): give one");
        auto& ca = c.cas[first];
        ca.ocsp_cert = f.ocsp_cert;
        if (!f.ocsp_key.empty()) ca.ocsp_key = KeySource{f.ocsp_key, secrets_with(f.ocsp_pass_file)};
    }
    if (!f.tsa_cert.empty() || !f.tsa_key.empty()) {
        if (f.tsa_cert.empty() || f.tsa_key.empty()) throw Error(ErrorCode::USAGE, "--tsa-cert and --tsa-key go together");
        TsaSettings tsa;
        tsa.cert = f.tsa_cert;
        tsa.key = KeySource{f.tsa_key, secrets_with(f.tsa_pass_file)};
        tsa.chain = f.tsa_chain;
        c.tsa = tsa;
    }
    if (!f.tls_cert.empty() || !f.tls_key.empty()) {
        if (f.tls_cert.empty() || f.tls_key.empty()) throw Error(ErrorCode::USAGE, "--tls-cert and --tls-key go together");
        c.tls = TlsConfig{f.tls_cert, KeySource{f.tls_key, secrets_with(f.tls_pass_file)}};
    }
    if (f.threads) c.threads = f.threads;
    if (!f.log_level.empty()) c.log.level = f.log_level;
    if (!f.log_file.empty()) c.log.file = f.log_file;
    if (!f.probe_listen.empty()) c.probe = parse_listen(f.probe_listen);
    if (!f.store.empty() || !f.origin.empty()) {
        if (!c.identity) c.identity.emplace();
        if (!f.store.empty()) c.identity->store = f.store;
        if (!f.origin.empty()) c.identity->origin = f.origin;
    }
    if (!f.issuer.empty() || !f.oidc_key.empty() || !f.oidc_subject_secret_file.empty()) {
        if (!c.oidc) c.oidc.emplace();
        if (!f.issuer.empty()) c.oidc->issuer = f.issuer;
        if (!f.oidc_key.empty()) c.oidc->key = KeySource{f.oidc_key, secrets_with(f.oidc_pass_file)};
        if (!f.oidc_subject_secret_file.empty()) c.oidc->subject_secret_file = f.oidc_subject_secret_file;
    }
    if (!f.verify_api.empty() || !f.trust.empty()) {
        if (!c.verify) c.verify.emplace();
        if (!f.verify_api.empty()) c.verify->access = f.verify_api == "open" ? VerifyAccess::Open : VerifyAccess::Session;
        c.verify->trust.insert(c.verify->trust.end(), f.trust.begin(), f.trust.end());
    }
    validate(c);
    return c;
}

// Request targets are client input: keep log lines one line and short, and without their query,
// which may carry tokens and personal data (an OIDC id_token_hint, a login_hint).
std::string printable(std::string_view target) {
    const auto query = target.find('?');
    const auto s = target.substr(0, query);
    std::string out;
    for (char ch : s.substr(0, 160)) out.push_back(ch > 0x20 && ch < 0x7f ? ch : '?');
    if (s.size() > 160) out += "...";
    if (query != std::string_view::npos) out += "?(query not logged)";
    return out.empty() ? "-" : out;
}

// Descriptors the process needs besides connections: stores (database, WAL, SHM per CA and
// per connection), logs, the listeners, tokens.
std::size_t connection_cap(std::size_t fd_limit, std::size_t cas) {
    const std::size_t reserve = 64 + 8 * cas;
    return fd_limit > 2 * reserve ? fd_limit - reserve : fd_limit / 2;
}

void set_up_log(const LogSettings& log) {
    if (!log.file.empty()) {  // size-based rotation: server.log, server.1.log … (appended to: logrotate's copytruncate works too)
        auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(log.file, log.max_bytes, log.max_files);
        auto logger = std::make_shared<spdlog::logger>("tanba-server", sink);
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
        logger->flush_on(spdlog::level::warn);
        spdlog::set_default_logger(logger);
        spdlog::flush_every(std::chrono::seconds(1));
    }
    spdlog::set_level(spdlog::level::from_str(log.level));
}

int serve(ServerConfig config) {
    std::signal(SIGHUP, SIG_IGN);  // logrotate's HUP must not stop the server: rotation is built in
    const std::size_t fds = frontend::raise_fd_limit();
    if (const auto cap = connection_cap(fds, config.cas.size()); config.limits.max_connections > cap) {
        spdlog::warn("max_connections lowered from {} to {}: the file-descriptor limit is {} (ulimit -n)", config.limits.max_connections, cap, fds);
        config.limits.max_connections = cap;
    }
    SystemClock clock;
    Services services(config, clock);
    Metrics metrics;
    std::optional<TlsSettings> tls;
    frontend::LoadedKey tls_key;
    if (config.tls) {
        tls_key = frontend::load_key(config.tls->key.ref, config.tls->key.secrets);
        // The TLS stack needs the private key itself: TLS keys are files (docs/tokens.md).
        if (!tls_key.software) throw Error(ErrorCode::CONFIG_INVALID, config.tls->key.ref + ": the TLS key must be a key file, not a token key");
        tls = TlsSettings{config.tls->cert_chain, tls_key.software->private_key()};
    }
    HttpServer* running = nullptr;
    Router router(
        services, metrics, clock,
        [&running] {
            return std::map<std::string, double>{{"tanba_http_connections_open", running ? static_cast<double>(running->connections()) : 0}};
        },
        config.identity ? config.identity->auth_requests_per_minute : 120);
    std::atomic<std::uint64_t> ok_ocsp{0};
    const std::size_t sample = config.log.sample_ok_ocsp;
    auto observer = [&metrics, &ok_ocsp, sample](const HttpRequest& q, const HttpResponse& r, std::size_t bytes, std::chrono::nanoseconds latency) {
        const std::string endpoint = r.endpoint.empty() ? "other" : r.endpoint;
        metrics.observe(endpoint, r.status, latency);
        if (sample > 1 && endpoint == "ocsp" && r.status == 200 && ok_ocsp++ % sample != 0) return;
        spdlog::info("request peer={} method={} target={} status={} bytes={} latency_ms={:.3f}{}{}", q.peer,
                     q.method.empty() ? "-" : q.method, printable(q.target), r.status, bytes,
                     std::chrono::duration<double, std::milli>(latency).count(), r.code.empty() ? "" : " code=", r.code);
    };
    HttpLimits limits = config.limits;
    if (config.verify)  // documents: the verification API's bodies may be larger
        for (const auto prefix : kVerifyPaths) limits.body_limits.emplace_back(prefix, config.verify->max_body_bytes);
    HttpServer server(config.host, config.port, limits, std::ref(router), observer, tls);
    server.on_warning([](const std::string& m) { spdlog::warn("{}", m); });
    running = &server;
    // Probes on their own listener and thread: answered however full the main one is.
    std::optional<HttpServer> probes;
    std::thread probe_thread;
    if (config.probe) {
        HttpLimits small;
        small.max_connections = 64;
        small.max_connections_per_client = 64;
        probes.emplace(config.probe->host, config.probe->port, small, [&router](HttpRequest& q) { return router.probe(q); },
                       Observer{}, std::nullopt);
        spdlog::warn("probes (/healthz, /readyz, /metrics) on http://{}:{}", config.probe->host, probes->port());
        probe_thread = std::thread([&probes] { probes->run(1, false); });
    }
    services.start_background();
    // Handlers block while the store commits (and while a revocation answer is fetched), so the
    // default is several threads per core: the cores stay busy while some handlers wait.
    const unsigned threads = config.threads ? config.threads : std::max(8u, 4 * std::thread::hardware_concurrency());
    spdlog::warn("listening on {}://{}:{} with {} thread(s), at most {} connections ({} per client address)", tls ? "https" : "http",
                 config.host, server.port(), threads, config.limits.max_connections, config.limits.max_connections_per_client);
    server.run(threads, true);
    if (probes) {
        probes->stop();
        probe_thread.join();
    }
    spdlog::warn("stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    tanba::ossl::Runtime openssl;
    Flags f;
    CLI::App app{"tanba-server — OCSP responder, CRL and CA certificate distribution, RFC 3161 TSA for tanba CAs"};
    app.set_version_flag("--version", std::string("tanba-server ") + kVersion);
    app.add_option("--config", f.config, "TOML configuration (server/tanba-server.toml.example)");
    app.add_option("--listen", f.listen, "ADDR:PORT to listen on (default 127.0.0.1:8080; port 0: any)");
    app.add_option("--ca", f.cas, "a CA directory to serve (repeat for several)");
    app.add_option("--ocsp-cert", f.ocsp_cert, "delegated OCSP signer certificate for the first --ca");
    app.add_option("--ocsp-key", f.ocsp_key, "its key (file or pkcs11: URI)");
    app.add_option("--tsa-cert", f.tsa_cert, "TSA certificate (critical timeStamping EKU)");
    app.add_option("--tsa-key", f.tsa_key, "its key (file or pkcs11: URI)");
    app.add_option("--tsa-chain", f.tsa_chain, "CA certificates to include in tokens");
    app.add_option("--tls-cert", f.tls_cert, "serve HTTPS with this certificate chain (PEM)");
    app.add_option("--tls-key", f.tls_key, "the TLS key (file or pkcs11: URI)");
    app.add_option("--offline-ca", f.offline_cas, "a CA served without its key (an offline root): its certificate and latest CRL; OCSP only with --ocsp-cert/--ocsp-key");
    app.add_option("--pass-file", f.secrets.pass_file, "passphrase of the keys given by flags that have no pass file of their own (first line)");
    app.add_option("--ca-pass-file", f.ca_pass_files, "passphrase file of the i-th --ca's key (else pass_file in its ca.toml, else --pass-file)");
    app.add_option("--ocsp-pass-file", f.ocsp_pass_file, "passphrase file of --ocsp-key");
    app.add_option("--tsa-pass-file", f.tsa_pass_file, "passphrase file of --tsa-key");
    app.add_option("--tls-pass-file", f.tls_pass_file, "passphrase file of --tls-key");
    app.add_option("--pin-file", f.secrets.pin_file, "PIN of the token keys given by flags (first line)");
    app.add_option("--threads", f.threads, "worker threads (default: 4 per core, at least 8)");
    app.add_option("--store", f.store, "the identification server's store: sqlite:PATH (logins, sessions)");
    app.add_option("--origin", f.origin, "the origin logins are signed for: https://HOST[:PORT], as the browser sends it");
    app.add_option("--issuer", f.issuer, "the OpenID Connect issuer URL (default: the --origin)");
    app.add_option("--oidc-key", f.oidc_key, "the key that signs ID tokens (file or pkcs11: URI): serves the OpenID Connect provider");
    app.add_option("--oidc-pass-file", f.oidc_pass_file, "passphrase file of --oidc-key");
    app.add_option("--oidc-subject-secret-file", f.oidc_subject_secret_file, "a secret (32 bytes or more) that keys the ID tokens' sub");
    app.add_option("--verify-api", f.verify_api, "serve /api/v1/verify/cms and /api/v1/certificates/info: open (any caller) or session")
        ->check(CLI::IsMember({"open", "session"}));
    app.add_option("--trust", f.trust, "trust anchors beside the served CAs' roots, for logins and the verification API (PEM; repeatable)");
    app.add_option("--probe-listen", f.probe_listen, "ADDR:PORT of a second listener for /healthz, /readyz and /metrics only");
    app.add_option("--log-file", f.log_file, "log to this file, rotated by size (default: standard error)");
    app.add_option("--log-level", f.log_level, "trace, debug, info, warn, error or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    app.add_flag("--allow-core-dumps", f.allow_core_dumps, "let a crash write a core file (debugging only: it holds the unlocked keys)");
    app.add_flag("--refuse-root", f.refuse_root, "refuse to run as root (the systemd unit gives it)");
    app.add_flag("--check-config", f.check, "validate the configuration (and load every key), then exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    set_core_dumps(f.allow_core_dumps ? frontend::CoreDumps::Allowed : frontend::CoreDumps::Off);
    spdlog::set_default_logger(spdlog::stderr_logger_mt("tanba-server"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    if (::geteuid() == 0) {
        if (f.refuse_root) {
            std::cerr << "tanba-server: error USAGE: running as root, and --refuse-root was given (run it as its own user)\n";
            return 2;
        }
        spdlog::warn("running as root: a flaw in request handling would own the machine; run it as its own user (--refuse-root to enforce)");
    }
    try {
        const ServerConfig config = configure(f);
        set_up_log(config.log);
        if (f.check) {
            SystemClock clock;
            Services services(config, clock);
            std::cout << "configuration OK: " << config.cas.size() << " CA(s)" << (config.tsa ? ", a TSA" : "") << "\n";
            return 0;
        }
        return serve(config);
    } catch (const Error& e) {
        std::cerr << "tanba-server: error " << e.what() << "\n";
        for (const auto& cause : e.causes()) std::cerr << "  caused by: " << cause << "\n";
        return e.code() == ErrorCode::INTERNAL ? 4 : (e.code() == ErrorCode::USAGE || e.code() == ErrorCode::CONFIG_INVALID) ? 2 : 3;
    } catch (const std::exception& e) {
        std::cerr << "tanba-server: error INTERNAL: " << e.what() << "\n";
        return 4;
    }
}
