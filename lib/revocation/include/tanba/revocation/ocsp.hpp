#pragma once
// A parsed OCSP response (RFC 6960) that keeps its DER: what path validation needs to use it
// as revocation evidence (CertID matching, the responder, the signature, the times).
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/ossl/handles.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

enum class OcspStatus { Good, Revoked, Unknown };

struct OcspSingle {
    OcspStatus status = OcspStatus::Unknown;
    TimePoint this_update;
    std::optional<TimePoint> next_update;
    std::optional<TimePoint> revoked_at;
    Reason reason = Reason::Unspecified;
};

class OcspResponse {
public:
    /// Throws OCSP_DECODE_FAILED (also for trailing bytes, and for a successful response
    /// without a decodable BasicOCSPResponse).
    static OcspResponse from_der(ByteView der);

    const Bytes& der() const { return state_->der; }
    /// responseStatus; only successful (0) responses carry statuses.
    int response_status() const { return state_->status; }
    bool successful() const { return state_->basic != nullptr; }
    TimePoint produced_at() const;
    /// Certificates embedded in the response.
    const std::vector<x509::Certificate>& certificates() const { return state_->certs; }
    /// The single response whose CertID matches `cert` issued by `issuer` on all of hash
    /// algorithm, issuer name hash, issuer key hash and serial number.
    std::optional<OcspSingle> find(const x509::Certificate& cert, const x509::Certificate& issuer) const;
    /// Whether the responderID names this certificate (by name or key hash).
    bool responder_is(const x509::Certificate& cert) const;
    /// Whether the response is signed by `key`. Checked once per key: the outcome is kept with
    /// the parsed response (which a cache may hand to many validations).
    bool signature_valid(const EVP_PKEY* key) const;
    /// The nonce extension's value (the raw OCTET STRING content), when present.
    std::optional<Bytes> nonce() const;

private:
    bool verify_signature(const EVP_PKEY* key) const;
    struct State {
        Bytes der;
        ossl::OcspResponse response;
        ossl::OcspBasic basic;
        int status = 0;
        std::vector<x509::Certificate> certs;
        mutable std::mutex checked_mutex;
        mutable std::vector<std::pair<ossl::PKey, bool>> checked;  // by key (EVP_PKEY_eq)
    };
    explicit OcspResponse(std::shared_ptr<const State> s) : state_(std::move(s)) {}
    std::shared_ptr<const State> state_;
};

}  // namespace tanba::revocation
