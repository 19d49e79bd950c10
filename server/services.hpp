#pragma once
// What tanba-server serves, loaded from its configuration: the CAs (keys unlocked), their OCSP
// responder, their CRLs and certificates, and the TSA; and the background job that keeps
// OCSP responses and CRLs fresh. The routes only read from here.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/auth/login.hpp"
#include "tanba/ca/ocsp_responder.hpp"
#include "tanba/oidc/provider.hpp"
#include "tanba/registry/registry.hpp"
#include "tanba/tsp/tsa.hpp"

namespace tanba::server {

/// A CRL ready to serve.
struct ServedCrl {
    std::shared_ptr<const Bytes> der;
    std::shared_ptr<const revocation::Crl> parsed;  // for the login validator; parsed once, when loaded
    std::int64_t number = 0;
    TimePoint this_update{}, next_update{};
};

struct ServiceCounters {
    std::atomic<std::uint64_t> refresh_passes{0};
    std::atomic<std::uint64_t> refresh_failures{0};
    std::atomic<std::uint64_t> crls_issued{0};
    std::atomic<std::uint64_t> ocsp_signed_in_background{0};
};

class Services {
public:
    /// Opens every CA and unlocks its key, loads the OCSP signers and the TSA. Throws the
    /// first failure (CA_NOT_FOUND, KEY_*, TOKEN_*, ...), naming what it was loading.
    Services(const ServerConfig& config, const Clock& clock);
    ~Services();

    /// Runs one refresh pass now, then one every config.refresh_interval on a thread of its
    /// own until destruction.
    void start_background();

    ca::OcspResponder& ocsp() { return *responder_; }
    bool has_tsa() const { return tsa_ != nullptr; }
    tsp::TsaAnswer timestamp(ByteView request) const { return tsa_->respond(request); }

    /// The CRL served as /crl/<name>.crl: <id> (full) or <id>-delta; nullopt when the CA is not
    /// served here; a ServedCrl without der when none is issued yet.
    std::optional<ServedCrl> crl(const std::string& name) const;
    /// The CA certificate served as /ca/<id>.crt (DER), if the CA is served here.
    const Bytes* ca_certificate(const std::string& id) const;

    /// Ready: the first refresh pass is done and every CA has a current CRL (when the server
    /// issues them). `why` says what is missing otherwise.
    bool ready(std::string& why) const;
    const ServiceCounters& counters() const { return counters_; }
    /// Logins (with an identity store configured), else null.
    auth::LoginService* login() { return login_.get(); }
    /// The OpenID Connect provider (with [oidc] / --oidc-key), else null.
    oidc::Provider* oidc() { return oidc_.get(); }
    const std::string& ncalayer_url() const { return config_.oidc->ncalayer_url; }
    /// The registry of persons and operators (with an identity store), else null.
    registry::Registry* registry() { return registry_.get(); }
    /// The verification API's validator (the login's too), when the API is configured.
    const validation::Validator* verifier() const { return config_.verify ? validator_.get() : nullptr; }
    VerifyAccess verify_access() const { return config_.verify ? config_.verify->access : VerifyAccess::Session; }
    /// The CA that issues persons' certificates (identity.issuing_ca), else null.
    ca::CertificateAuthority* issuer() { return issuer_; }
    /// Seconds until each CA and OCSP responder certificate expires (negative: expired), as
    /// tanba_certificate_expiry_seconds{ca="ID",role="ca|ocsp"}.
    std::map<std::string, double> certificate_gauges() const;

private:
    struct Ca {
        std::unique_ptr<ca::CertificateAuthority> authority;
        CaKey key = CaKey::Online;
        TimePoint last_warning{};
        TimePoint last_expiry_warning{};
        std::optional<x509::Certificate> ocsp_cert;
        frontend::LoadedKey ocsp_key;
        Bytes certificate_der;
        ServedCrl full, delta;
    };

    void refresh_once();
    void refresh_crls(Ca& ca);
    void warn_before_next_update(Ca& ca);
    void warn_before_expiry(Ca& ca, TimePoint now);
    void start_trust(const VerifySettings* settings);
    void start_logins(const IdentitySettings& settings);
    void start_oidc(const OidcSettings& settings, const std::string& origin);
    /// The served CAs' roots (anchors) and the certificates below them (untrusted), each once.
    void served_paths(std::vector<x509::Certificate>& anchors, std::vector<x509::Certificate>& untrusted) const;
    class ServedCrls;

    const ServerConfig& config_;
    const Clock& clock_;
    std::vector<std::unique_ptr<Ca>> cas_;
    std::unique_ptr<ca::OcspResponder> responder_;
    frontend::LoadedKey tsa_key_;
    std::unique_ptr<tsp::Authority> tsa_;
    // One validator for logins and the verification API: the served CAs' roots and the --trust
    // anchors; revocation from the CAs' own OCSP answers (the store), the CRLs served here, and
    // other CAs' over the network when [verify] fetch is set.
    std::unique_ptr<net::HttpClient> http_;
    std::unique_ptr<revocation::RevocationSource> online_;
    std::unique_ptr<revocation::RevocationSource> served_crls_;
    std::unique_ptr<ca::ResponderRevocation> revocation_;
    std::unique_ptr<validation::Validator> validator_;
    // Logins: the identity store, the service, the registry.
    std::unique_ptr<store::IdentityRepository> identity_;
    std::unique_ptr<auth::LoginService> login_;
    std::unique_ptr<registry::Registry> registry_;
    ca::CertificateAuthority* issuer_ = nullptr;
    frontend::LoadedKey oidc_key_;
    std::unique_ptr<oidc::Provider> oidc_;

    mutable std::mutex crl_mutex_;   // guards Ca::full / Ca::delta
    std::atomic<bool> first_pass_done_{false};
    TimePoint last_pass_{};          // the background thread's clock at its last pass
    ServiceCounters counters_;

    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread background_;
};

}  // namespace tanba::server
