#pragma once
// RFC 3161 time-stamping: the authority's side (TSTInfo signed as CMS SignedData by a TSA
// certificate with the critical timeStamping EKU, through any Signer) and the requester's side.
#include <chrono>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/net/http_client.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::tsp {

struct AuthorityOptions {
    std::string policy = "1.2.398.3.3.2.6.1";        // TSA policy OID (NCA's, by default)
    std::chrono::milliseconds accuracy{1000};
    std::vector<x509::Certificate> chain;            // included with the TSA certificate
};

enum class TsaOutcome {
    Granted,     // a token
    Rejected,    // a well-formed request the TSA refuses (badAlg, unacceptedPolicy, ...)
    Malformed,   // not a DER TimeStampReq, or too large (badDataFormat)
};

struct TsaAnswer {
    TsaOutcome outcome = TsaOutcome::Malformed;
    Bytes der;   // the TimeStampResp, whatever the outcome
};

/// One TSA: certificate and key fixed; serials unique and increasing (nanoseconds of the
/// clock then 64 random bits). Thread-safe.
class Authority {
public:
    /// Throws INVALID_ARGUMENT when the certificate is not a TSA's, KEY_MISMATCH when the key
    /// is not the certificate's.
    Authority(x509::Certificate cert, const keys::Signer& key, const Clock& clock, AuthorityOptions options);
    /// The TimeStampResp (DER) for a TimeStampReq (DER, at most 16 KiB): granted with a
    /// token, or rejection (badDataFormat / badAlg / unacceptedPolicy) as RFC 3161 says. Never
    /// throws for bad input; signing failures throw.
    TsaAnswer respond(ByteView request) const;

private:
    x509::Certificate cert_;
    const keys::Signer& key_;
    const Clock& clock_;
    AuthorityOptions options_;
    Bytes policy_der_;
};

/// A TimeStampReq for `data` (SHA-256 imprint, fresh nonce, certReq); the nonce is returned.
Bytes make_request(ByteView data, Bytes& nonce);
/// The token (ContentInfo DER) from a response to our request: status granted, imprint and
/// nonce ours. Throws TSP_DECODE_FAILED, TSP_REJECTED, TSP_MISMATCH. The token's signature and
/// TSA certificate are validated by the verifier, not here.
Bytes token_from_response(ByteView response, ByteView request);

/// The token itself: a TimeStampResp's token (GRANTED), or the input when it is not a response.
/// Throws TSP_REJECTED for a response without one.
Bytes token_of(ByteView token_or_response);

/// A token for `data` from the TSA at `url`: make_request, HTTP POST, token_from_response.
/// Throws FETCH_FAILED and the errors of token_from_response.
Bytes request_token(net::HttpClient& http, const std::string& url, ByteView data);

}  // namespace tanba::tsp
