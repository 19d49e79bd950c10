// Reading and validating tanba-server's configuration.
#include "config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "tanba/auth/web_eid.hpp"
#include "tanba/hsm/uri.hpp"

namespace tanba::server {
namespace {

namespace fs = std::filesystem;

// Collects problems while reading tables, so that all of them are reported at once.
class Reader {
public:
    Reader(std::string file, fs::path base) : file_(std::move(file)), base_(std::move(base)) {}

    void problem(const std::string& where, const std::string& what) { problems_.push_back(where + ": " + what); }

    void only(const toml::table& t, const std::string& where, std::set<std::string> allowed) {
        for (const auto& [k, v] : t)
            if (!allowed.count(std::string(k.str()))) problem(where + std::string(k.str()), "unknown key");
    }

    std::optional<std::string> text(const toml::table& t, const std::string& where, const char* key, bool required = false) {
        const auto* node = t.get(key);
        if (!node) {
            if (required) problem(where + key, "is required");
            return std::nullopt;
        }
        if (auto s = node->value<std::string>(); s && !s->empty()) return *s;
        problem(where + key, "must be a non-empty string");
        return std::nullopt;
    }

    fs::path resolve(const std::string& p) const { return fs::path(p).is_absolute() ? fs::path(p) : base_ / p; }

    // A path, relative to the configuration file's directory; pkcs11: URIs are kept as they are.
    std::optional<std::string> path(const toml::table& t, const std::string& where, const char* key, bool required = false) {
        auto s = text(t, where, key, required);
        if (!s || hsm::is_pkcs11_uri(*s) || fs::path(*s).is_absolute()) return s;
        return (base_ / *s).string();
    }

    template <class T>
    void integer(const toml::table& t, const std::string& where, const char* key, std::int64_t min, std::int64_t max, T& out) {
        const auto* node = t.get(key);
        if (!node) return;
        auto v = node->value<std::int64_t>();
        if (!v || !node->is_integer() || *v < min || *v > max) {
            problem(where + key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
            return;
        }
        out = static_cast<T>(*v);
    }

    void boolean(const toml::table& t, const std::string& where, const char* key, bool& out) {
        const auto* node = t.get(key);
        if (!node) return;
        if (!node->is_boolean()) return problem(where + key, "must be true or false");
        out = *node->value<bool>();
    }

    // A list of paths (a single string is a list of one).
    std::vector<std::string> paths(const toml::table& t, const std::string& where, const char* key) {
        std::vector<std::string> out;
        const auto* node = t.get(key);
        if (!node) return out;
        if (node->is_string()) return {path(t, where, key).value_or("")};
        const auto* array = node->as_array();
        if (!array) {
            problem(where + key, "must be a path or a list of paths");
            return out;
        }
        for (const auto& item : *array) {
            const auto s = item.value<std::string>();
            if (!s || s->empty()) problem(where + key, "must list non-empty paths");
            else out.push_back(resolve(*s).string());
        }
        return out;
    }

    const toml::table* table(const toml::table& root, const char* key) {
        const auto* node = root.get(key);
        if (!node) return nullptr;
        if (!node->is_table()) problem(key, "must be a table");
        return node->as_table();
    }

    frontend::PassphraseOptions secrets(const toml::table& t, const std::string& where) {
        frontend::PassphraseOptions o;
        if (auto s = path(t, where, "pass_file")) o.pass_file = *s;
        if (auto s = path(t, where, "pin_file")) o.pin_file = *s;
        return o;
    }

    void finish() const {
        if (problems_.empty()) return;
        std::string msg = file_ + " has " + std::to_string(problems_.size()) + " problem(s):";
        for (const auto& p : problems_) msg += "\n  " + p;
        throw Error(ErrorCode::CONFIG_INVALID, msg);
    }

private:
    std::string file_;
    fs::path base_;
    std::vector<std::string> problems_;
};

void read_server(Reader& r, const toml::table& t, ServerConfig& c) {
    r.only(t, "server.", {"listen", "probe_listen", "threads", "max_header_bytes", "max_body_bytes", "request_timeout_ms",
                          "write_timeout_ms", "max_connections", "max_connections_per_client", "refresh_interval_ms",
                          "log_level", "log_file", "log_max_bytes", "log_max_files", "log_sample_ok_ocsp",
                          "cert_expiry_warning_days"});
    if (auto probe = r.text(t, "server.", "probe_listen")) {
        try {
            c.probe = parse_listen(*probe);
        } catch (const Error& e) {
            r.problem("server.probe_listen", e.context());
        }
    }
    if (auto listen = r.text(t, "server.", "listen")) {
        try {
            set_listen(c, *listen);
        } catch (const Error& e) {
            r.problem("server.listen", e.context());
        }
    }
    r.integer(t, "server.", "threads", 0, 256, c.threads);
    r.integer(t, "server.", "max_header_bytes", 1024, 1 << 20, c.limits.max_header_bytes);
    r.integer(t, "server.", "max_body_bytes", 1024, 64 << 20, c.limits.max_body_bytes);
    std::int64_t ms = c.limits.request_timeout.count();
    r.integer(t, "server.", "request_timeout_ms", 100, 600'000, ms);
    c.limits.request_timeout = std::chrono::milliseconds(ms);
    ms = c.limits.write_timeout.count();
    r.integer(t, "server.", "write_timeout_ms", 100, 600'000, ms);
    c.limits.write_timeout = std::chrono::milliseconds(ms);
    r.integer(t, "server.", "max_connections", 1, 1'000'000, c.limits.max_connections);
    r.integer(t, "server.", "max_connections_per_client", 1, 1'000'000, c.limits.max_connections_per_client);
    if (auto file = r.path(t, "server.", "log_file")) c.log.file = *file;
    r.integer(t, "server.", "log_max_bytes", 1 << 16, std::int64_t{1} << 40, c.log.max_bytes);
    r.integer(t, "server.", "log_max_files", 1, 1000, c.log.max_files);
    r.integer(t, "server.", "log_sample_ok_ocsp", 1, 1'000'000, c.log.sample_ok_ocsp);
    std::int64_t days = c.cert_expiry_warning.count() / 24;
    r.integer(t, "server.", "cert_expiry_warning_days", 0, 3650, days);
    c.cert_expiry_warning = std::chrono::hours(24 * days);
    ms = c.refresh_interval.count();
    r.integer(t, "server.", "refresh_interval_ms", 100, 3'600'000, ms);
    c.refresh_interval = std::chrono::milliseconds(ms);
    if (auto level = r.text(t, "server.", "log_level")) {
        static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
        if (levels.count(*level)) c.log.level = *level;
        else r.problem("server.log_level", "must be one of trace, debug, info, warn, error, off");
    }
}

void read_identity(Reader& r, const toml::table& t, ServerConfig& c) {
    r.only(t, "identity.", {"store", "origin", "nonce_lifetime_s", "session_lifetime_s", "auth_requests_per_minute", "issuing_ca"});
    IdentitySettings id;
    if (auto store = r.text(t, "identity.", "store", true))
        id.store = store->starts_with("sqlite:") ? "sqlite:" + r.resolve(store->substr(7)).string() : *store;
    if (auto origin = r.text(t, "identity.", "origin", true)) id.origin = *origin;
    std::int64_t n = id.nonce_lifetime.count();
    r.integer(t, "identity.", "nonce_lifetime_s", 10, 300, n);
    id.nonce_lifetime = std::chrono::seconds(n);
    n = id.session_lifetime.count();
    r.integer(t, "identity.", "session_lifetime_s", 60, 7 * 24 * 3600, n);
    id.session_lifetime = std::chrono::seconds(n);
    r.integer(t, "identity.", "auth_requests_per_minute", 1, 1'000'000, id.auth_requests_per_minute);
    if (auto ca = r.text(t, "identity.", "issuing_ca")) id.issuing_ca = *ca;
    c.identity = id;
}

void read_oidc(Reader& r, const toml::table& t, ServerConfig& c) {
    r.only(t, "oidc.", {"issuer", "key", "pass_file", "pin_file", "subject_secret_file", "code_lifetime_s", "token_lifetime_s", "ncalayer_url"});
    OidcSettings o;
    if (auto issuer = r.text(t, "oidc.", "issuer")) o.issuer = *issuer;
    o.key = {r.path(t, "oidc.", "key").value_or(""), r.secrets(t, "oidc.")};
    o.subject_secret_file = r.path(t, "oidc.", "subject_secret_file").value_or("");
    std::int64_t n = o.code_lifetime.count();
    r.integer(t, "oidc.", "code_lifetime_s", 5, 60, n);
    o.code_lifetime = std::chrono::seconds(n);
    n = o.token_lifetime.count();
    r.integer(t, "oidc.", "token_lifetime_s", 60, 24 * 3600, n);
    o.token_lifetime = std::chrono::seconds(n);
    if (auto url = r.text(t, "oidc.", "ncalayer_url")) o.ncalayer_url = *url;
    c.oidc = o;
}

void read_verify(Reader& r, const toml::table& t, ServerConfig& c) {
    r.only(t, "verify.", {"access", "trust", "untrusted", "fetch", "max_body_bytes"});
    VerifySettings v;
    if (auto access = r.text(t, "verify.", "access")) {
        if (*access == "open") v.access = VerifyAccess::Open;
        else if (*access != "session") r.problem("verify.access", "must be open or session");
    }
    v.trust = r.paths(t, "verify.", "trust");
    v.untrusted = r.paths(t, "verify.", "untrusted");
    r.boolean(t, "verify.", "fetch", v.fetch);
    r.integer(t, "verify.", "max_body_bytes", 1024, 256 << 20, v.max_body_bytes);
    c.verify = v;
}

}  // namespace

Listen parse_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
        throw Error(ErrorCode::CONFIG_INVALID, "'" + listen + "' is not ADDR:PORT");
    std::string host = listen.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string port = listen.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535)
        throw Error(ErrorCode::CONFIG_INVALID, "'" + port + "' is not a port number");
    return {host, static_cast<unsigned short>(std::stoul(port))};
}

void set_listen(ServerConfig& c, const std::string& listen) {
    auto l = parse_listen(listen);
    c.host = l.host;
    c.port = l.port;
}

ServerConfig load_config(const fs::path& file) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        if (!fs::exists(file)) throw Error(ErrorCode::FILE_NOT_FOUND, file.string());
        throw Error(ErrorCode::CONFIG_INVALID, file.string() + ":" + std::to_string(e.source().begin.line) + ": " +
                                                   std::string(e.description()));
    }
    ServerConfig c;
    Reader r(file.string(), fs::absolute(file).parent_path());
    r.only(root, "", {"server", "tls", "ca", "ocsp", "crl", "tsa", "identity", "oidc", "verify"});
    if (const auto* t = r.table(root, "identity")) read_identity(r, *t, c);
    if (const auto* t = r.table(root, "oidc")) read_oidc(r, *t, c);
    if (const auto* t = r.table(root, "verify")) read_verify(r, *t, c);
    if (const auto* t = r.table(root, "server")) read_server(r, *t, c);
    if (const auto* t = r.table(root, "tls")) {
        r.only(*t, "tls.", {"cert", "key", "pass_file", "pin_file"});
        TlsConfig tls;
        tls.cert_chain = r.path(*t, "tls.", "cert", true).value_or("");
        tls.key = {r.path(*t, "tls.", "key", true).value_or(""), r.secrets(*t, "tls.")};
        c.tls = tls;
    }
    if (const auto* node = root.get("ca")) {
        const auto* array = node->as_array();
        if (!array) r.problem("ca", "must be an array of tables ([[ca]])");
        for (std::size_t i = 0; array && i < array->size(); ++i) {
            const std::string where = "ca[" + std::to_string(i) + "].";
            const auto* t = (*array)[i].as_table();
            if (!t) {
                r.problem(where, "must be a table");
                continue;
            }
            r.only(*t, where, {"dir", "pass_file", "pin_file", "offline", "ocsp_cert", "ocsp_key", "ocsp_pass_file", "ocsp_pin_file"});
            CaSettings ca;
            ca.dir = r.path(*t, where, "dir", true).value_or("");
            ca.secrets = r.secrets(*t, where);
            bool offline = false;
            r.boolean(*t, where, "offline", offline);
            ca.key = offline ? CaKey::Offline : CaKey::Online;
            ca.ocsp_cert = r.path(*t, where, "ocsp_cert").value_or("");
            if (auto key = r.path(*t, where, "ocsp_key")) {
                // The responder key's own passphrase/PIN, else the CA's.
                frontend::PassphraseOptions own = ca.secrets;
                if (auto s = r.path(*t, where, "ocsp_pass_file")) own.pass_file = *s;
                if (auto s = r.path(*t, where, "ocsp_pin_file")) own.pin_file = *s;
                ca.ocsp_key = KeySource{*key, own};
            }
            c.cas.push_back(ca);
        }
    }
    if (const auto* t = r.table(root, "ocsp")) {
        r.only(*t, "ocsp.", {"validity_minutes", "presign", "max_cached"});
        std::int64_t minutes = c.ocsp_validity.count() / 60;
        r.integer(*t, "ocsp.", "validity_minutes", 1, 7 * 24 * 60, minutes);
        c.ocsp_validity = std::chrono::minutes(minutes);
        r.boolean(*t, "ocsp.", "presign", c.ocsp_presign);
        r.integer(*t, "ocsp.", "max_cached", 0, 100'000'000, c.ocsp_max_cached);
    }
    if (const auto* t = r.table(root, "crl")) {
        r.only(*t, "crl.", {"validity_hours", "auto_issue"});
        std::int64_t hours = c.crl_validity.count() / 3600;
        r.integer(*t, "crl.", "validity_hours", 1, 24 * 365, hours);
        c.crl_validity = std::chrono::hours(hours);
        r.boolean(*t, "crl.", "auto_issue", c.crl_auto_issue);
    }
    if (const auto* t = r.table(root, "tsa")) {
        r.only(*t, "tsa.", {"cert", "key", "chain", "policy", "pass_file", "pin_file"});
        TsaSettings tsa;
        tsa.cert = r.path(*t, "tsa.", "cert", true).value_or("");
        tsa.key = {r.path(*t, "tsa.", "key", true).value_or(""), r.secrets(*t, "tsa.")};
        tsa.chain = r.path(*t, "tsa.", "chain").value_or("");
        if (auto p = r.text(*t, "tsa.", "policy")) {
            if (p->find_first_not_of("0123456789.") != std::string::npos) r.problem("tsa.policy", "must be a dotted OID");
            tsa.policy = *p;
        }
        c.tsa = tsa;
    }
    r.finish();
    return c;
}

void validate(const ServerConfig& c) {
    std::vector<std::string> problems;
    auto need_file = [&](const std::string& what, const std::string& ref) {
        if (!ref.empty() && !hsm::is_pkcs11_uri(ref) && !fs::is_regular_file(ref)) problems.push_back(what + ": no file " + ref);
    };
    if (c.cas.empty() && !c.tsa) problems.push_back("nothing to serve: give at least one CA (--ca / [[ca]]) or a TSA");
    std::set<fs::path> seen;
    for (std::size_t i = 0; i < c.cas.size(); ++i) {
        const auto& ca = c.cas[i];
        const std::string where = "ca[" + std::to_string(i) + "]";
        if (!fs::is_regular_file(ca.dir / "ca.toml")) problems.push_back(where + ": no CA directory at " + ca.dir.string());
        if (!seen.insert(fs::weakly_canonical(ca.dir)).second) problems.push_back(where + ": " + ca.dir.string() + " is listed twice");
        if (ca.ocsp_cert.empty() != !ca.ocsp_key.has_value())
            problems.push_back(where + ": the OCSP signer needs both a certificate and a key");
        need_file(where + ".ocsp_cert", ca.ocsp_cert);
        if (ca.ocsp_key) need_file(where + ".ocsp_key", ca.ocsp_key->ref);
        need_file(where + ".pass_file", ca.secrets.pass_file);
        if (ca.ocsp_key) need_file(where + ".ocsp_pass_file", ca.ocsp_key->secrets.pass_file);
        if (ca.key == CaKey::Offline && !ca.secrets.pass_file.empty())
            problems.push_back(where + ": an offline CA has no key to unlock (pass_file given)");
    }
    if (c.tsa) {
        need_file("tsa.cert", c.tsa->cert);
        need_file("tsa.key", c.tsa->key.ref);
        need_file("tsa.pass_file", c.tsa->key.secrets.pass_file);
        need_file("tsa.chain", c.tsa->chain);
    }
    if (c.identity) {
        if (!c.identity->store.starts_with("sqlite:") || c.identity->store.size() == 7)
            problems.push_back("identity.store: '" + c.identity->store + "' is not sqlite:PATH (PostgreSQL comes later)");
        try {
            auth::require_origin(c.identity->origin);
        } catch (const Error& e) {
            problems.push_back("identity.origin: " + e.context());
        }
        if (std::none_of(c.cas.begin(), c.cas.end(), [](const CaSettings& ca) { return ca.key == CaKey::Online; }))
            problems.push_back("identity: logins need a CA served with its key (--ca): its certificates are the ones that log in");
    }
    if (c.oidc) {
        if (!c.identity) problems.push_back("oidc: the provider logs in through the identity store ([identity] or --store/--origin)");
        if (c.oidc->key.ref.empty()) problems.push_back("oidc.key: the provider needs a key that signs ID tokens (--oidc-key)");
        else need_file("oidc.key", c.oidc->key.ref);
        if (c.oidc->subject_secret_file.empty())
            problems.push_back("oidc.subject_secret_file: the provider needs a secret of 32 bytes or more that keys subject identifiers");
        else need_file("oidc.subject_secret_file", c.oidc->subject_secret_file);
        need_file("oidc.pass_file", c.oidc->key.secrets.pass_file);
        const auto& url = c.oidc->ncalayer_url;
        if (!url.starts_with("wss://") && !url.starts_with("ws://")) problems.push_back("oidc.ncalayer_url: '" + url + "' is not a ws:// or wss:// URL");
        if (url.find_first_of("'\"<> ") != std::string::npos) problems.push_back("oidc.ncalayer_url: has quotes, spaces or angle brackets");
    }
    if (c.verify) {
        for (const auto& f : c.verify->trust) need_file("verify.trust", f);
        for (const auto& f : c.verify->untrusted) need_file("verify.untrusted", f);
        if (c.verify->access == VerifyAccess::Session && !c.identity)
            problems.push_back("verify.access: session needs the identity store ([identity] or --store/--origin); or make it open");
        if (c.verify->trust.empty() && c.cas.empty())
            problems.push_back("verify: no trust anchors (verify.trust) and no CA served");
    }
    if (c.tls) {
        need_file("tls.cert", c.tls->cert_chain);
        need_file("tls.key", c.tls->key.ref);
        need_file("tls.pass_file", c.tls->key.secrets.pass_file);
    }
    if (problems.empty()) return;
    std::string msg = "the configuration has " + std::to_string(problems.size()) + " problem(s):";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(ErrorCode::CONFIG_INVALID, msg);
}

}  // namespace tanba::server
