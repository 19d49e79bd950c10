#pragma once
// Revocation data from the network: CRLs from a certificate's CRL distribution points, OCSP
// from its AIA responder with a fresh nonce, over a net::HttpClient. RevocationSource is what
// the validator consults while it checks a path; OnlineRevocation fetches once and caches.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/net/http_client.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/revocation/ocsp.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

/// HTTP(S) URIs of the CRL distribution points / AIA OCSP responders.
std::vector<std::string> crl_urls(const x509::Certificate& cert);  ///< CRL distribution points (HTTP(S)).
std::vector<std::string> ocsp_urls(const x509::Certificate& cert);  ///< AIA OCSP responders (HTTP(S)).

/// An OCSP request (DER) for `cert`: one SHA-1 CertID, no nonce (what responders answer from
/// a cache).
Bytes ocsp_request(const x509::Certificate& cert, const x509::Certificate& issuer);

/// One OCSP request for `cert` (SHA-1 CertID, fresh nonce) to `url`; the response must be
/// successful and echo the nonce (OCSP_NONCE_MISMATCH). Throws FETCH_FAILED, OCSP_DECODE_FAILED.
OcspResponse fetch_ocsp(const x509::Certificate& cert, const x509::Certificate& issuer, const std::string& url,
                        net::HttpClient& http, const net::HttpLimits& limits);

/// Where a validator gets the revocation data it was not given. Implementations are
/// thread-safe; they never throw for what they could not fetch, they say it in `problems`.
class RevocationSource {
public:
    virtual ~RevocationSource() = default;
    /// An OCSP response about cert (issued by issuer) from the first of its responders that
    /// answers; empty when none does.
    virtual std::vector<std::shared_ptr<const OcspResponse>> ocsp(const x509::Certificate& cert, const x509::Certificate& issuer,
                                                                  std::vector<std::string>& problems) = 0;
    /// The CRLs at the first of cert's distribution point URLs that answers.
    virtual std::vector<std::shared_ptr<const Crl>> crls(const x509::Certificate& cert, std::vector<std::string>& problems) = 0;
};

struct OnlineOptions {
    net::HttpLimits limits;
    /// A failed fetch is not tried again for this long (its problem is reported meanwhile).
    std::chrono::seconds retry_after{60};
    /// How long data without a nextUpdate is kept.
    std::chrono::seconds keep_without_next_update{3600};
    /// Cache entries (CRL URLs + OCSP answers); the oldest go first beyond it.
    std::size_t max_entries = 10'000;
};

/// Fetches over HTTP and caches: each CRL URL until the CRL's nextUpdate, each OCSP answer
/// until its nextUpdate, failures for retry_after. So one validation run (or a server's many)
/// fetches each CRL and OCSP response once.
class OnlineRevocation final : public RevocationSource {
public:
    OnlineRevocation(net::HttpClient& http, const Clock& clock, OnlineOptions options = {});  ///< Fetches through http; clock decides freshness. Both must outlive it.
    ~OnlineRevocation() override;

    std::vector<std::shared_ptr<const OcspResponse>> ocsp(const x509::Certificate& cert, const x509::Certificate& issuer,
                                                          std::vector<std::string>& problems) override;
    std::vector<std::shared_ptr<const Crl>> crls(const x509::Certificate& cert, std::vector<std::string>& problems) override;

    /// HTTP transfers made so far (successful or not).
    std::size_t fetches() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tanba::revocation
