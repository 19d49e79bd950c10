// The OCSP responder: routing to the CA, the response cache and its background refresh.
#include "tanba/ca/ocsp_responder.hpp"

#include <openssl/ocsp.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "ocsp_codec.hpp"
#include "tanba/ossl/codec.hpp"

namespace tanba::ca {
namespace {

constexpr std::size_t kPresignLimit = 100'000;  // per CA and pass: list() holds the DER in memory

Bytes certid_der(const OCSP_CERTID* id) { return ossl::encode(id, i2d_OCSP_CERTID, "the OCSP CertID"); }

// A one-certificate request without extensions: what a cached response answers.
Bytes request_for(ByteView certid) {
    const unsigned char* p = certid.data();
    ossl::OcspCertId id(d2i_OCSP_CERTID(nullptr, &p, static_cast<long>(certid.size())));
    ossl::OcspRequest req(OCSP_REQUEST_new());
    ossl::check(id && req && OCSP_request_add0_id(req.get(), id.get()) != nullptr, ErrorCode::CRYPTO_FAILURE,
                "building an OCSP request");
    id.release();  // owned by the request now
    return ossl::encode(req.get(), i2d_OCSP_REQUEST, "the OCSP request");
}

struct Entry {
    Bytes der;
    std::size_t ca = 0;
    TimePoint this_update{}, next_update{};
};

}  // namespace

struct OcspResponder::Impl {
    struct Served {
        ServedCa served;
        std::vector<ossl::OcspCertId> issuer_ids;   // one per hash algorithm we recognise
        std::int64_t seen_event = 0;
        std::unordered_map<std::string, std::vector<std::string>> keys_by_serial;  // under mutex
    };
    std::vector<Served> cas;
    ResponderOptions options;
    const Clock& clock;
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, Entry> cache;  // CertID DER -> response
    bool presigned = false;

    Impl(ResponderOptions o, const Clock& c) : options(o), clock(c) {}

    // The served CA a CertID names, or cas.size().
    std::size_t ca_of(const OCSP_CERTID* id) const {
        for (std::size_t i = 0; i < cas.size(); ++i)
            for (const auto& mine : cas[i].issuer_ids)
                if (OCSP_id_issuer_cmp(mine.get(), id) == 0) return i;
        return cas.size();
    }

    OcspOptions signing_options(std::size_t ca) const {
        OcspOptions o = cas[ca].served.signer;
        o.validity = options.validity;
        return o;
    }

    Entry sign(std::size_t ca, ByteView request) const {
        Entry e{{}, ca, clock.now(), {}};
        e.next_update = e.this_update + options.validity;
        e.der = cas[ca].served.ca->ocsp_response(request, signing_options(ca));
        return e;
    }

    // Caches (or replaces) the answer for a CertID, within max_cached.
    void keep(const std::string& key, const std::string& serial, const Entry& e) {
        std::unique_lock lock(mutex);
        if (auto it = cache.find(key); it != cache.end()) {
            it->second = e;
        } else if (cache.size() < options.max_cached) {
            cache.emplace(key, e);
            cas[e.ca].keys_by_serial[serial].push_back(key);
        }
    }

    void presign(RefreshStats& stats) {
        for (std::size_t i = 0; i < cas.size(); ++i) {
            auto& ca = *cas[i].served.ca;
            store::CertificateQuery q;
            q.issuer = ca.issuer_id();
            q.status = store::CertStatus::Issued;
            q.limit = static_cast<int>(std::min(options.max_cached, kPresignLimit));
            const X509* issuer = ca.certificate().get();
            for (const auto& rec : ca.repository().list(q)) {
                if (cached_size() >= options.max_cached) return;
                ossl::Asn1Integer serial = ossl::integer_from_bytes(from_hex(rec.serial));
                ossl::OcspCertId id(OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer),
                                                     X509_get0_pubkey_bitstr(issuer), serial.get()));
                ossl::check(id != nullptr, ErrorCode::CRYPTO_FAILURE, "building a CertID");
                const Bytes key_der = certid_der(id.get());
                const std::string key(key_der.begin(), key_der.end());
                {
                    std::shared_lock lock(mutex);
                    if (cache.count(key)) continue;
                }
                keep(key, rec.serial, sign(i, request_for(key_der)));
                ++stats.signed_responses;
            }
        }
    }

    std::size_t cached_size() const {
        std::shared_lock lock(mutex);
        return cache.size();
    }
};

OcspResponder::OcspResponder(std::vector<ServedCa> cas, ResponderOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(options, clock)) {
    for (const auto& s : cas) {
        // A delegated responder whose key is not its certificate's is refused now, not at the
        // first request.
        if (s.signer.responder_key && s.signer.responder_cert &&
            !keys::same_public_key(s.signer.responder_key->public_key(), s.signer.responder_cert->public_key()))
            throw Error(ErrorCode::KEY_MISMATCH, s.signer.responder_key->describe() + " does not belong to " +
                                                     s.signer.responder_cert->subject_text());
        Impl::Served served{s, {}, s.ca->repository().last_event(s.ca->issuer_id()), {}};
        const X509* cert = s.ca->certificate().get();
        ossl::Asn1Integer zero = ossl::integer_from_bytes(Bytes{0});
        for (const EVP_MD* md : {EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
            ossl::OcspCertId id(OCSP_cert_id_new(md, X509_get_subject_name(cert), X509_get0_pubkey_bitstr(cert), zero.get()));
            ossl::check(id != nullptr, ErrorCode::CRYPTO_FAILURE, "building the CA's CertID");
            served.issuer_ids.push_back(std::move(id));
        }
        impl_->cas.push_back(std::move(served));
    }
}

OcspResponder::~OcspResponder() = default;

std::size_t OcspResponder::cached() const { return impl_->cached_size(); }

OcspAnswer OcspResponder::respond(ByteView request) {
    auto& m = *impl_;
    OcspAnswer a;
    ossl::OcspRequest req = detail::parse_ocsp_request(request);
    if (!req) {
        a.der = detail::ocsp_status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        return a;
    }
    const int count = OCSP_request_onereq_count(req.get());
    std::size_t ca = m.cas.size();
    for (int i = 0; i < count && ca == m.cas.size(); ++i)
        ca = m.ca_of(OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i)));
    if (ca == m.cas.size()) {
        a.outcome = OcspOutcome::Unauthorized;
        a.der = detail::ocsp_status_only(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
        return a;
    }
    a.outcome = OcspOutcome::Answered;
    a.ca_id = m.cas[ca].served.ca->config().id;
    const bool cacheable = count == 1 && OCSP_REQUEST_get_ext_count(req.get()) == 0;
    if (!cacheable) {
        a.der = m.cas[ca].served.ca->ocsp_response(request, m.signing_options(ca));
        return a;
    }
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), 0));
    const Bytes key_der = certid_der(id);
    const std::string key(key_der.begin(), key_der.end());
    const TimePoint now = m.clock.now();
    {
        std::shared_lock lock(m.mutex);
        if (auto it = m.cache.find(key); it != m.cache.end() && now < it->second.next_update - m.options.validity / 4) {
            a.der = it->second.der;
            a.this_update = it->second.this_update;
            a.next_update = it->second.next_update;
            a.from_cache = true;
            return a;
        }
    }
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id);
    const std::string serial_hex = to_hex(ossl::integer_bytes(serial));
    const Entry e = m.sign(ca, request_for(key_der));
    // Only certificates the CA issued are cached: made-up serials must not fill the memory.
    auto& authority = *m.cas[ca].served.ca;
    if (authority.repository().find(authority.issuer_id(), serial_hex)) m.keep(key, serial_hex, e);
    a.der = e.der;
    a.this_update = e.this_update;
    a.next_update = e.next_update;
    return a;
}

RefreshStats OcspResponder::refresh() {
    auto& m = *impl_;
    RefreshStats stats;
    // Responses whose certificate's status changed, and responses past half their validity.
    std::vector<std::pair<std::size_t, std::string>> due;  // (ca, key)
    for (std::size_t i = 0; i < m.cas.size(); ++i) {
        auto& served = m.cas[i];
        auto& repo = served.served.ca->repository();
        std::int64_t last = repo.last_event(served.served.ca->issuer_id());
        if (last == served.seen_event) continue;
        const auto events = repo.events_after(served.served.ca->issuer_id(), served.seen_event, last);
        served.seen_event = last;
        stats.status_changes += events.size();
        std::shared_lock lock(m.mutex);
        for (const auto& ev : events)
            if (auto it = served.keys_by_serial.find(ev.serial); it != served.keys_by_serial.end())
                for (const auto& key : it->second) due.emplace_back(i, key);
    }
    const TimePoint now = m.clock.now();
    {
        std::shared_lock lock(m.mutex);
        for (const auto& [key, e] : m.cache)
            if (now >= e.this_update + m.options.validity / 2) due.emplace_back(e.ca, key);
    }
    std::sort(due.begin(), due.end());
    due.erase(std::unique(due.begin(), due.end()), due.end());
    for (const auto& [ca, key] : due) {
        const ByteView key_der(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
        m.keep(key, {}, m.sign(ca, request_for(key_der)));  // cached already: the serial index stands
        ++stats.signed_responses;
    }
    if (m.options.presign && !m.presigned) {
        m.presign(stats);
        m.presigned = true;
    }
    return stats;
}

}  // namespace tanba::ca
