// Loading the served CAs and TSA, and the background refresh of CRLs and OCSP responses.
#include "services.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tanba/base/file_io.hpp"
#include "tanba/hsm/uri.hpp"

namespace tanba::server {

constexpr std::chrono::seconds kClockStepTolerance{5};

Services::Services(const ServerConfig& config, const Clock& clock) : config_(config), clock_(clock) {
    std::vector<ca::ServedCa> served;
    for (const auto& settings : config.cas) {
        auto c = std::make_unique<Ca>();
        c->authority = std::make_unique<ca::CertificateAuthority>(ca::CertificateAuthority::open(settings.dir, clock));
        c->key = settings.key;
        if (settings.key == CaKey::Online) {
            // The key's passphrase: its own pass file, else the one its ca.toml names, else --pass-file.
            frontend::PassphraseOptions secrets = settings.secrets;
            const std::string& named = c->authority->config().pass_file;
            if (secrets.pass_file.empty()) secrets.pass_file = named.empty() ? settings.default_pass_file : (settings.dir / named).string();
            c->authority->unlock([&secrets](const std::filesystem::path& dir, const std::string& ref) {
                return frontend::load_key(hsm::is_pkcs11_uri(ref) ? ref : (dir / ref).string(), secrets).key;
            });
        } else if (!settings.ocsp_key) {
            spdlog::warn("CA {} is offline: no OCSP for the certificates it issued (give it a delegated responder)",
                         c->authority->config().id);
        }
        c->certificate_der = c->authority->certificate().der();
        ca::OcspOptions signer;
        if (settings.ocsp_key) {
            c->ocsp_cert = x509::Certificate::load(read_file(settings.ocsp_cert));
            c->ocsp_key = frontend::load_key(settings.ocsp_key->ref, settings.ocsp_key->secrets);
            signer.responder_cert = &*c->ocsp_cert;
            signer.responder_key = c->ocsp_key.key.get();
        }
        if (settings.key == CaKey::Online || settings.ocsp_key) served.push_back({c->authority.get(), signer});
        spdlog::info("serving {}CA {} ({}) from {}", settings.key == CaKey::Offline ? "offline " : "", c->authority->config().id,
                     c->authority->certificate().subject_text(), settings.dir.string());
        cas_.push_back(std::move(c));
    }
    ca::ResponderOptions ro;
    ro.validity = config.ocsp_validity;
    ro.max_cached = config.ocsp_max_cached;
    ro.presign = config.ocsp_presign;
    responder_ = std::make_unique<ca::OcspResponder>(std::move(served), ro, clock);
    if (config.tsa) {
        auto cert = x509::Certificate::load(read_file(config.tsa->cert));
        tsa_key_ = frontend::load_key(config.tsa->key.ref, config.tsa->key.secrets);
        tsp::AuthorityOptions ao;
        ao.policy = config.tsa->policy;
        if (!config.tsa->chain.empty()) ao.chain = x509::Certificate::load_all(read_file(config.tsa->chain));
        tsa_ = std::make_unique<tsp::Authority>(std::move(cert), *tsa_key_.key, clock, ao);
        spdlog::info("serving a TSA with policy {}", config.tsa->policy);
    }
    start_trust(config.verify ? &*config.verify : nullptr);
    if (config.identity) start_logins(*config.identity);
    if (config.oidc) start_oidc(*config.oidc, config.identity->origin);
}

// For the validators of logins and of the verification API: the CRLs this server serves (an
// offline root's, made with `tanba ca crl`) for the certificates their CAs issued; `next`
// (may be null) for the others.
class Services::ServedCrls final : public revocation::RevocationSource {
public:
    ServedCrls(const Services& s, revocation::RevocationSource* next) : s_(s), next_(next) {}
    std::vector<std::shared_ptr<const revocation::OcspResponse>> ocsp(const x509::Certificate& cert, const x509::Certificate& issuer,
                                                                      std::vector<std::string>& problems) override {
        if (served(cert) || !next_) return {};
        return next_->ocsp(cert, issuer, problems);
    }
    std::vector<std::shared_ptr<const revocation::Crl>> crls(const x509::Certificate& cert, std::vector<std::string>& problems) override {
        if (!served(cert)) return next_ ? next_->crls(cert, problems) : std::vector<std::shared_ptr<const revocation::Crl>>{};
        std::vector<std::shared_ptr<const revocation::Crl>> out;
        for (const auto& c : s_.cas_) {
            if (c->authority->certificate().subject_text() != cert.issuer_text()) continue;
            std::lock_guard lock(s_.crl_mutex_);
            for (const ServedCrl* crl : {&c->full, &c->delta})
                if (crl->parsed) out.push_back(crl->parsed);
        }
        return out;
    }

private:
    bool served(const x509::Certificate& cert) const {
        return std::any_of(s_.cas_.begin(), s_.cas_.end(),
                           [&](const auto& c) { return c->authority->certificate().subject_text() == cert.issuer_text(); });
    }
    const Services& s_;
    revocation::RevocationSource* next_;
};

void Services::served_paths(std::vector<x509::Certificate>& anchors, std::vector<x509::Certificate>& untrusted) const {
    auto known = [](const std::vector<x509::Certificate>& v, const x509::Certificate& c) {
        return std::any_of(v.begin(), v.end(), [&](const x509::Certificate& k) { return k.der() == c.der(); });
    };
    for (const auto& c : cas_) {
        const auto& chain = c->authority->chain();
        for (std::size_t i = 0; i < chain.size(); ++i) {
            auto& into = i + 1 == chain.size() ? anchors : untrusted;
            if (!known(into, chain[i])) into.push_back(chain[i]);
        }
    }
}

void Services::start_trust(const VerifySettings* settings) {
    std::vector<x509::Certificate> anchors, untrusted;
    served_paths(anchors, untrusted);
    if (settings) {
        for (const auto& f : settings->trust)
            for (auto& c : x509::Certificate::load_all(read_file(f))) anchors.push_back(std::move(c));
        for (const auto& f : settings->untrusted)
            for (auto& c : x509::Certificate::load_all(read_file(f))) untrusted.push_back(std::move(c));
        if (settings->fetch) {
            http_ = net::make_curl_client();
            online_ = std::make_unique<revocation::OnlineRevocation>(*http_, clock_);
        }
    }
    served_crls_ = std::make_unique<ServedCrls>(*this, online_.get());
    revocation_ = std::make_unique<ca::ResponderRevocation>(*responder_, served_crls_.get());
    validator_ = std::make_unique<validation::Validator>(anchors, untrusted, std::vector<revocation::Crl>{},
                                                         std::vector<revocation::OcspResponse>{}, revocation_.get());
    spdlog::info("{} trust anchor(s) for logins{}{}", anchors.size(),
                 settings ? std::string(" and the verification API (") + (settings->access == VerifyAccess::Open ? "open" : "behind a session") + ")" : "",
                 online_ ? ", other CAs' revocation fetched" : "");
}

void Services::start_logins(const IdentitySettings& settings) {
    identity_ = store::open_identity_store(settings.store, store::OpenMode::CreateIfMissing, clock_);
    registry_ = std::make_unique<registry::Registry>(*identity_, clock_);
    // Who may log in: holders of certificates from the CAs served here and the --trust anchors,
    // by path to their roots (start_trust).
    auth::LoginOptions lo;
    lo.nonce_lifetime = settings.nonce_lifetime;
    lo.session_lifetime = settings.session_lifetime;
    lo.audit_entry = [r = registry_.get()](const auth::Identity& who) { return r->login_entry(auth::person_of(who), "ok"); };
    lo.seal = registry::seal;
    login_ = std::make_unique<auth::LoginService>(*identity_, auth::LoginPolicy{settings.origin, validator_.get()}, clock_, lo);
    // Issuance to persons: the CA named, or the only one served with its key.
    std::vector<ca::CertificateAuthority*> online;
    for (const auto& c : cas_)
        if (c->key == CaKey::Online && (settings.issuing_ca.empty() || c->authority->config().id == settings.issuing_ca))
            online.push_back(c->authority.get());
    if (!settings.issuing_ca.empty() && online.empty())
        throw Error(ErrorCode::CONFIG_INVALID, "identity.issuing_ca: no CA '" + settings.issuing_ca + "' is served with its key");
    if (online.size() == 1) issuer_ = online.front();
    else spdlog::warn("no certificates issued to persons: {} CAs are served with their keys, name one as identity.issuing_ca", online.size());
    spdlog::info("logins for {}, store {}; persons' certificates from {}", settings.origin, settings.store, issuer_ ? issuer_->config().id : "no CA");
}

void Services::start_oidc(const OidcSettings& settings, const std::string& origin) {
    oidc_key_ = frontend::load_key(settings.key.ref, settings.key.secrets);
    oidc::ProviderOptions po;
    po.issuer = settings.issuer.empty() ? origin : settings.issuer;
    po.code_lifetime = settings.code_lifetime;
    po.token_lifetime = settings.token_lifetime;
    po.subject_secret = read_file(settings.subject_secret_file, 4096);
    po.audit = [r = registry_.get()](const std::string& client, const auth::Identity& who, const std::string& action) {
        r->record_release(client, auth::person_of(who), action);
    };
    oidc_ = std::make_unique<oidc::Provider>(*identity_, *login_, *oidc_key_.key, std::move(po), clock_);
    spdlog::info("OpenID Connect provider {} signing with {}", oidc_->issuer(), oidc_key_.key->describe());
}

Services::~Services() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    if (background_.joinable()) background_.join();
}

void Services::start_background() {
    background_ = std::thread([this] {
        std::unique_lock lock(stop_mutex_);
        do {
            lock.unlock();
            refresh_once();
            lock.lock();
        } while (!stop_cv_.wait_for(lock, config_.refresh_interval, [this] { return stopping_; }));
    });
}

void Services::refresh_once() {
    // A clock that stepped back: what was signed since is dated in the future. The CRL schedule
    // and the OCSP cache sign those again (issue_due_crls, OcspResponder::refresh).
    const TimePoint now = clock_.now();
    if (last_pass_ != TimePoint{} && now + kClockStepTolerance < last_pass_)
        spdlog::warn("the clock stepped back by {} s: CRLs and OCSP answers dated in the future are signed again",
                     std::chrono::duration_cast<std::chrono::seconds>(last_pass_ - now).count());
    last_pass_ = now;
    bool ok = true;
    for (auto& c : cas_) {
        warn_before_expiry(*c, now);
        try {
            refresh_crls(*c);
        } catch (const Error& e) {
            ok = false;
            spdlog::error("refreshing the CRLs of {}: {} {}", c->authority->config().id, to_string(e.code()), e.context());
        }
    }
    first_pass_done_ = true;
    try {
        const auto stats = responder_->refresh();
        counters_.ocsp_signed_in_background += stats.signed_responses;
        if (stats.status_changes) spdlog::info("OCSP: {} status change(s) picked up", stats.status_changes);
    } catch (const Error& e) {
        ok = false;
        spdlog::error("refreshing OCSP responses: {} {}", to_string(e.code()), e.context());
    }
    ++counters_.refresh_passes;
    if (!ok) ++counters_.refresh_failures;
}

void Services::refresh_crls(Ca& c) {
    auto& authority = *c.authority;
    auto& repo = authority.repository();
    const std::string& issuer = authority.issuer_id();
    auto header = [&](store::CrlSelect which) { return repo.latest_crl(issuer, which, store::CrlFields::WithoutDer); };
    if (config_.crl_auto_issue && c.key == CaKey::Online)  // an offline CA's CRLs are made with `tanba ca crl`
        for (const auto kind : authority.issue_due_crls(config_.crl_validity)) {
            ++counters_.crls_issued;
            spdlog::info("issued a {} CRL for {}", kind == ca::CrlKind::Full ? "full" : "delta", authority.config().id);
        }
    const auto full = header(store::CrlSelect::NewestFull);
    const auto newest = header(store::CrlSelect::Newest);
    // Into memory what changed (the DER read only when the number moved).
    auto load = [&](ServedCrl& slot, const std::optional<store::CrlRecord>& head, store::CrlSelect which) {
        if (!head || head->number == slot.number) return;
        auto rec = repo.latest_crl(issuer, which, store::CrlFields::All);
        ServedCrl fresh{std::make_shared<const Bytes>(std::move(rec->der)), nullptr, rec->number, rec->this_update, rec->next_update};
        if (config_.identity) try {  // only logins read it
            fresh.parsed = std::make_shared<const revocation::Crl>(revocation::Crl::from_der(*fresh.der));
        } catch (const Error& e) {  // served as it is; logins see no CRL for this CA
            spdlog::error("the CRL {} of {} does not parse: {} {}", rec->number, authority.config().id, to_string(e.code()), e.context());
        }
        std::lock_guard lock(crl_mutex_);
        slot = std::move(fresh);
    };
    load(c.full, full, store::CrlSelect::NewestFull);
    if (full && newest && newest->base_number == full->number) load(c.delta, newest, store::CrlSelect::Newest);
    if (c.key == CaKey::Offline) warn_before_next_update(c);
}

void Services::warn_before_expiry(Ca& c, TimePoint now) {
    if (now - c.last_expiry_warning < std::chrono::hours(1)) return;
    auto check = [&](const x509::Certificate& cert, const char* role) {
        if (cert.not_after() - now > config_.cert_expiry_warning) return;
        c.last_expiry_warning = now;
        const auto days = std::chrono::duration_cast<std::chrono::hours>(cert.not_after() - now).count() / 24;
        if (!cert.valid_at(now))
            spdlog::error("the {} certificate of CA {} is valid {} to {}: nothing is signed with it", role, c.authority->config().id,
                          format_rfc3339(cert.not_before()), format_rfc3339(cert.not_after()));
        else
            spdlog::warn("the {} certificate of CA {} expires at {} (in {} days): renew it", role, c.authority->config().id,
                         format_rfc3339(cert.not_after()), days);
    };
    check(c.authority->certificate(), "CA");
    if (c.ocsp_cert) check(*c.ocsp_cert, "OCSP responder");
}

std::map<std::string, double> Services::certificate_gauges() const {
    const TimePoint now = clock_.now();
    std::map<std::string, double> out;
    auto seconds_left = [now](const x509::Certificate& cert) {
        return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(cert.not_after() - now).count());
    };
    for (const auto& c : cas_) {
        const std::string id = c->authority->config().id;
        out["tanba_certificate_expiry_seconds{ca=\"" + id + "\",role=\"ca\"}"] = seconds_left(c->authority->certificate());
        if (c->ocsp_cert) out["tanba_certificate_expiry_seconds{ca=\"" + id + "\",role=\"ocsp\"}"] = seconds_left(*c->ocsp_cert);
    }
    return out;
}

void Services::warn_before_next_update(Ca& c) {
    // Nobody here can sign the next CRL: say so while there is time (a quarter of its validity,
    // at least a day), once every 10 minutes at most.
    const TimePoint now = clock_.now();
    const std::string& id = c.authority->config().id;
    if (!c.full.der) {
        if (now - c.last_warning >= std::chrono::minutes(10)) {
            spdlog::warn("offline CA {} has no CRL: make one with `tanba ca crl` where its key is", id);
            c.last_warning = now;
        }
        return;
    }
    const auto margin = std::max<std::chrono::seconds>(std::chrono::hours(24), std::chrono::duration_cast<std::chrono::seconds>(c.full.next_update - c.full.this_update) / 4);
    if (now + margin < c.full.next_update || now - c.last_warning < std::chrono::minutes(10)) return;
    c.last_warning = now;
    spdlog::warn("the CRL of offline CA {} {} at {}: sign the next one with `tanba ca crl` where its key is", id,
                 now >= c.full.next_update ? "expired" : "expires", format_rfc3339(c.full.next_update));
}

std::optional<ServedCrl> Services::crl(const std::string& name) const {
    static const std::string kDelta = "-delta";
    std::lock_guard lock(crl_mutex_);
    for (const auto& c : cas_) {
        const std::string& id = c->authority->config().id;
        if (name == id) return c->full;
        if (name.size() == id.size() + kDelta.size() && name.compare(0, id.size(), id) == 0 && name.ends_with(kDelta))
            return c->delta;
    }
    return std::nullopt;
}

const Bytes* Services::ca_certificate(const std::string& id) const {
    for (const auto& c : cas_)
        if (c->authority->config().id == id) return &c->certificate_der;
    return nullptr;
}

bool Services::ready(std::string& why) const {
    const TimePoint now = clock_.now();
    for (const auto& c : cas_) {  // the store can answer and be written, the CA and responder certificates are valid
        if (auto e = c->authority->health()) {
            why = "CA " + c->authority->config().id + ": " + e->what();
            return false;
        }
        if (c->ocsp_cert && !c->ocsp_cert->valid_at(now)) {
            why = "CA " + c->authority->config().id + ": CA_CERT_NOT_VALID: the OCSP responder certificate is valid " +
                  format_rfc3339(c->ocsp_cert->not_before()) + " to " + format_rfc3339(c->ocsp_cert->not_after());
            return false;
        }
    }
    if (!first_pass_done_) {
        why = "starting: the first refresh pass has not finished";
        return false;
    }
    std::lock_guard lock(crl_mutex_);
    for (const auto& c : cas_) {
        if (!c->full.der) {
            why = "no CRL for CA " + c->authority->config().id;
            return false;
        }
        if (now >= c->full.next_update) {
            why = "the CRL of CA " + c->authority->config().id + " is past its nextUpdate";
            return false;
        }
        if (c->full.this_update > now + kClockStepTolerance) {
            why = "the CRL of CA " + c->authority->config().id + " is dated in the future (the clock stepped back?)";
            return false;
        }
    }
    return true;
}

}  // namespace tanba::server
