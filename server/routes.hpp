#pragma once
// The endpoints of tanba-server:
//   POST /ocsp, GET /ocsp/{base64}    OCSP (RFC 6960, RFC 5019 caching headers)
//   GET  /crl/{ca}.crl, /crl/{ca}-delta.crl   CRLs
//   GET  /ca/{ca}.crt                 the CA certificate (AIA caIssuers)
//   POST /tsa                         RFC 3161 time-stamps
//   /api/v1/…                         the identification server (api_routes.cpp, verify_routes.cpp)
//   /.well-known/openid-configuration, /oidc/…   the OpenID Connect provider (oidc_routes.cpp)
//   GET  /healthz, /readyz, /metrics
// Every error is application/problem+json with tanba's stable code.
#include <functional>
#include <string_view>

#include "http.hpp"
#include "metrics.hpp"
#include "rate_limit.hpp"
#include "services.hpp"

namespace tanba::server {

/// The verification API's paths: /api/v1/verify/… and /api/v1/certificates/info. Their
/// bodies may be larger ([verify] max_body_bytes).
inline constexpr std::string_view kVerifyPaths[] = {"/api/v1/verify/", "/api/v1/certificates/info"};
inline bool is_verification(std::string_view path) { return path.starts_with(kVerifyPaths[0]) || path == kVerifyPaths[1]; }

class Router {
public:
    /// `gauges` adds scrape-time values to /metrics (open connections, ...).
    Router(Services& services, Metrics& metrics, const Clock& clock, std::function<std::map<std::string, double>()> gauges,
           std::size_t auth_requests_per_minute = 120);
    HttpResponse operator()(HttpRequest& request);
    /// The probe listener: /healthz, /readyz and /metrics only.
    HttpResponse probe(HttpRequest& request);

private:
    HttpResponse ocsp(ByteView der);
    HttpResponse crl(const std::string& name);
    HttpResponse ca_certificate(const std::string& name);
    HttpResponse tsa(const HttpRequest& request);
    HttpResponse ready();
    HttpResponse metrics();
    HttpResponse api(HttpRequest& request, std::string_view path);  // api_routes.cpp
    HttpResponse persons(HttpRequest& request, std::string_view path, auth::LoginService& login);
    HttpResponse certificates(HttpRequest& request, std::string_view path, auth::LoginService& login);
    HttpResponse legal_entities(HttpRequest& request, std::string_view path, auth::LoginService& login);
    HttpResponse verification(HttpRequest& request, std::string_view path);  // verify_routes.cpp
    HttpResponse oidc(HttpRequest& request, std::string_view path);          // oidc_routes.cpp
    void count_refused_login(const Error& e);  // a login refused: counted in the metrics and audited
    ca::CertificateAuthority& issuer();  // REGISTRY_NO_ISSUER when none
    /// Certificates whose status changed here: their cached OCSP answers dropped.
    void forget(const std::vector<std::string>& serials);

    Services& services_;
    Metrics& metrics_;
    const Clock& clock_;
    std::function<std::map<std::string, double>()> gauges_;
    RateLimit auth_limit_;
};

}  // namespace tanba::server
