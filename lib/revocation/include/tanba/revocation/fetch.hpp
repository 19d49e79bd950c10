#pragma once
// Fetching revocation information over HTTP (libcurl), only when asked: CRLs from a
// certificate's CRL distribution points, OCSP from its AIA responder with a fresh nonce.
#include <chrono>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/revocation/ocsp.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

struct FetchLimits {
    std::chrono::milliseconds timeout{5000};   // whole transfer
    std::size_t max_bytes = 64u << 20;         // body size cap
};

/// http:// and https:// only, no redirects. Throws FETCH_FAILED (with the reason and URL),
/// INPUT_TOO_LARGE.
Bytes http_get(const std::string& url, const FetchLimits& limits);
Bytes http_post(const std::string& url, ByteView body, const std::string& content_type, const FetchLimits& limits);

/// HTTP(S) URIs of the CRL distribution points / AIA OCSP responders.
std::vector<std::string> crl_urls(const x509::Certificate& cert);
std::vector<std::string> ocsp_urls(const x509::Certificate& cert);

/// One OCSP request for `cert` (SHA-1 CertID, fresh nonce) to `url`; the response must be
/// successful and echo the nonce (OCSP_NONCE_MISMATCH). Throws FETCH_FAILED, OCSP_DECODE_FAILED.
OcspResponse fetch_ocsp(const x509::Certificate& cert, const x509::Certificate& issuer, const std::string& url,
                        const FetchLimits& limits);

}  // namespace tanba::revocation
