// Certificate status from OCSP responses (RFC 6960 §3.2, §4.2.2.2).
#include <algorithm>

#include "engine.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/base/der.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/gost.hpp"

namespace tanba::validation::detail {
namespace {

constexpr auto kSkew = std::chrono::minutes(5);
constexpr auto kMaxAgeWithoutNextUpdate = std::chrono::hours(24);
constexpr const char* kOcspSigning = "1.3.6.1.5.5.7.3.9";

// Evidence about the time of interest: issued after it, or not yet stale at it.
bool fresh(const revocation::OcspSingle& s, TimePoint at) {
    if (s.this_update > at + kSkew) return true;
    if (s.next_update) return at <= *s.next_update + kSkew;
    return at - s.this_update <= kMaxAgeWithoutNextUpdate;
}

// The BasicOCSPResponse inside an OCSPResponse's DER (responseBytes [0] { type, OCTET STRING }).
ByteView basic_response(ByteView der) {
    const auto outer = der::element_at(der, 0);
    const auto status = outer ? der::element_at(der, outer->content) : std::nullopt;
    const auto bytes = status ? der::element_at(der, status->end) : std::nullopt;
    const auto seq = bytes && bytes->tag == 0xa0 ? der::element_at(der, bytes->content) : std::nullopt;
    const auto type = seq ? der::element_at(der, seq->content) : std::nullopt;
    const auto octets = type ? der::element_at(der, type->end) : std::nullopt;
    return octets && octets->tag == 0x04 ? octets->content_of(der) : ByteView{};
}

// A GOST key's signature over `der` (a certificate or a BasicOCSPResponse), through lib/gost.
bool gost_signed(ByteView der, const X509* signer) { return x509::check_gost_signature(der, signer).verdict == x509::GostVerdict::Valid; }

}  // namespace

std::optional<Engine::Status> Engine::ocsp_status(const Path& path, std::size_t i, const ValidationOptions& o,
                                                  ValidationReport& r, OcspResponses responses) const {
    if (responses.empty()) return std::nullopt;
    const CertFacts& cert = *path[i];
    const CertFacts& issuer = *path[i - 1];
    const int idx = report_index(path, i);
    const ossl::PKey issuer_key = public_key(issuer);
    for (const revocation::OcspResponse* resp_ptr : responses) {
        const auto& resp = *resp_ptr;
        const auto single = resp.find(cert.cert, issuer.cert);
        if (!single) continue;
        // The responder: the issuing CA itself, or a certificate it issued for OCSP signing.
        std::optional<x509::Certificate> responder;
        for (const auto& c : resp.certificates())
            if (resp.responder_is(c)) responder = c;
        if (!responder && resp.responder_is(issuer.cert)) responder = issuer.cert;
        if (!responder) {
            r.add(FindingCode::OCSP_UNUSABLE, Severity::Warning, "its responder certificate is not in the response", idx);
            continue;
        }
        bool authorised = issuer.gost_key ? ASN1_STRING_cmp(X509_get0_pubkey_bitstr(responder->get()), X509_get0_pubkey_bitstr(issuer.x)) == 0
                                          : keys::same_public_key(responder->public_key(), issuer_key.get());
        if (!authorised) {
            const CertFacts& rf = *facts(*responder);
            const TimePoint produced = resp.produced_at();
            const bool issued = issuer.gost_key ? gost_signed(rf.cert.der(), issuer.x) : issuer_key && X509_verify(rf.x, issuer_key.get()) == 1;
            authorised = same_name(rf.issuer(), issuer.subject()) && issued && rf.eku &&
                         std::find(rf.eku->begin(), rf.eku->end(), kOcspSigning) != rf.eku->end() &&
                         rf.cert.not_before() <= produced && produced <= rf.cert.not_after() && rf.malformed.empty();
            ossl::clear_errors();
        }
        if (!authorised) {
            r.add(FindingCode::OCSP_UNUSABLE, Severity::Warning, "its responder is not authorised by the certificate's issuer", idx);
            continue;
        }
        const bool signed_ok = x509::has_gost_key(responder->get()) ? gost_signed(basic_response(resp.der()), responder->get())
                                                                    : resp.signature_valid(responder->public_key());
        if (!signed_ok) {
            r.add(FindingCode::OCSP_UNUSABLE, Severity::Warning, "its signature does not verify", idx);
            continue;
        }
        if (!fresh(*single, *o.at)) {
            r.add(FindingCode::OCSP_UNUSABLE, Severity::Warning, "stale at the validation time", idx);
            continue;
        }
        switch (single->status) {
            case revocation::OcspStatus::Good: return Status::Good;
            case revocation::OcspStatus::Unknown: continue;
            case revocation::OcspStatus::Revoked: {
                const TimePoint when = single->revoked_at.value_or(TimePoint{});
                const std::string detail = std::string(revocation::to_string(single->reason)) + ", " + format_rfc3339(when) + " (OCSP)";
                if (when > *o.at) {
                    r.add(FindingCode::REVOKED_LATER, Severity::Warning, detail, idx);
                    return Status::RevokedLater;
                }
                if (single->reason == revocation::Reason::CertificateHold) {
                    r.add(FindingCode::ON_HOLD, Severity::Error, detail, idx);
                    return Status::Hold;
                }
                r.add(FindingCode::REVOKED, Severity::Error, detail, idx);
                return Status::Revoked;
            }
        }
    }
    return std::nullopt;
}

}  // namespace tanba::validation::detail
