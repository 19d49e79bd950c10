#pragma once
// An OCSP responder (RFC 6960, RFC 5019 caching) for one or more CAs, built for a server's hot
// path: responses to the common request (one certificate, no nonce) are pre-signed and kept
// fresh by refresh(), which a background job calls; answering such a request is a lookup.
// Requests with a nonce or several certificates are signed when they arrive.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/revocation/fetch.hpp"

namespace tanba::ca {

struct ResponderOptions {
    /// nextUpdate - thisUpdate of each response; a cached response is re-signed by refresh()
    /// once half of it has passed, and never served in its last quarter, nor when its
    /// thisUpdate is in the future (after the clock stepped back: re-signed by refresh()).
    std::chrono::seconds validity = std::chrono::hours(1);
    /// Upper bound of cached responses (all CAs); beyond it responses are signed per request.
    std::size_t max_cached = 1'000'000;
    /// refresh() pre-signs the SHA-1 CertID (what OpenSSL and browsers send) of every issued
    /// certificate, up to max_cached, on its first pass.
    bool presign = true;
};

/// A CA to answer for (unlocked) and who signs its responses (OcspOptions: a delegated
/// responder or, when absent, the CA itself; its validity is the responder's).
struct ServedCa {
    CertificateAuthority* ca;
    OcspOptions signer;
};

enum class OcspOutcome {
    Answered,       // successful response (good / revoked / unknown per certificate)
    Unauthorized,   // no certificate asked about belongs to a CA served here
    Malformed,      // not a DER OCSPRequest, too large, or without a certificate
};

struct OcspAnswer {
    OcspOutcome outcome = OcspOutcome::Malformed;
    Bytes der;                             // the OCSPResponse, whatever the outcome
    std::string ca_id;                     // the CA that answered (Answered only)
    /// Set for responses a cache may keep (no nonce): their thisUpdate and nextUpdate.
    std::optional<TimePoint> this_update, next_update;
    bool from_cache = false;
};

struct RefreshStats {
    std::size_t signed_responses = 0;   // re-signed or pre-signed in this pass
    std::size_t status_changes = 0;     // revocation events picked up from the stores
};

/// A delegated responder must be issued by the CA it answers for and carry id-kp-OCSPSigning
/// (RFC 6960 §4.2.2.2), or every relying party would refuse its answers. Throws CONFIG_INVALID
/// saying which.
void check_delegated_responder(const x509::Certificate& responder, const x509::Certificate& ca);

class OcspResponder {
public:
    /// The CAs must stay alive and unlocked while the responder is used. Throws CONFIG_INVALID
    /// (check_delegated_responder) and KEY_MISMATCH when a delegated responder's key is not
    /// its certificate's.
    OcspResponder(std::vector<ServedCa> cas, ResponderOptions options, const Clock& clock);
    ~OcspResponder();
    OcspResponder(const OcspResponder&) = delete;
    OcspResponder& operator=(const OcspResponder&) = delete;

    /// The answer to a DER OCSPRequest (at most 64 KiB), parsed once; one store query for a
    /// request not answered from the cache. Thread-safe; never throws for bad input; signing
    /// failures throw (KEY_SIGN_FAILED, TOKEN_OPERATION_FAILED, STORE_*).
    OcspAnswer respond(ByteView request);

    /// One background pass: picks up revocations recorded in the CAs' stores since the last
    /// pass (their cached responses are re-signed at once), re-signs responses past half
    /// their validity, and on the first pass pre-signs (options.presign). Call from one
    /// thread at a time; respond() may run meanwhile.
    RefreshStats refresh();
    /// Drops the cached answers about a serial (lower-case hex, as the store keeps it) of any
    /// CA served here, so that the next answer is signed from the store: a revocation made in
    /// this process counts at once, not at the next refresh().
    void forget(const std::string& serial);
    /// True when `issuer` is the certificate of a CA answered for here.
    bool answers_for(const x509::Certificate& issuer) const;

    std::size_t cached() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Revocation for a validator (a login server checking its own CAs' certificates): the
/// responder's own answer for certificates its CAs issued — the store's state, no network —
/// and `fallback` (may be null: nothing) for the others. An answer the responder serves from
/// its cache is parsed once: while its bytes stay the same, the parsed response is reused.
class ResponderRevocation final : public revocation::RevocationSource {
public:
    ResponderRevocation(OcspResponder& responder, revocation::RevocationSource* fallback) : responder_(responder), fallback_(fallback) {}
    std::vector<std::shared_ptr<const revocation::OcspResponse>> ocsp(const x509::Certificate& cert, const x509::Certificate& issuer,
                                                                      std::vector<std::string>& problems) override;
    std::vector<std::shared_ptr<const revocation::Crl>> crls(const x509::Certificate& cert, std::vector<std::string>& problems) override;

private:
    struct Parsed {
        Bytes der;
        std::shared_ptr<const revocation::OcspResponse> response;
    };
    OcspResponder& responder_;
    revocation::RevocationSource* fallback_;
    std::mutex mutex_;
    std::unordered_map<std::string, Parsed> parsed_;  // by request; emptied when it reaches kMaxParsed
};

}  // namespace tanba::ca
