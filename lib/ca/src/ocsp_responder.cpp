// The OCSP responder: routing to the CA, the response cache and its background refresh.
#include "tanba/ca/ocsp_responder.hpp"

#include <openssl/x509v3.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "ocsp_answer.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::ca {
namespace {

constexpr std::size_t kPresignLimit = 100'000;  // per CA and pass: list() holds the DER in memory

struct Entry {
    Bytes der;
    std::size_t ca = 0;
    TimePoint this_update{}, next_update{};
    revocation::CertIdInfo id;   // what the response answers: re-signed from it
    bool known = false;          // the CA issued the certificate (only those are cached)
};

std::string key_of(const revocation::CertIdInfo& id) { return std::string(id.der.begin(), id.der.end()); }

}  // namespace

void check_delegated_responder(const x509::Certificate& responder, const x509::Certificate& ca) {
    const bool issued = X509_check_issued(ca.get(), responder.get()) == X509_V_OK;
    const bool ocsp_signing = (X509_get_extension_flags(responder.get()) & EXFLAG_XKUSAGE) &&
                              (X509_get_extended_key_usage(responder.get()) & XKU_OCSP_SIGN);
    ossl::clear_errors();
    if (!issued || !ocsp_signing)
        throw Error(ErrorCode::CONFIG_INVALID,
                    responder.subject_text() +
                        (issued ? " lacks the OCSPSigning extended key usage" : " is not issued by " + ca.subject_text()));
}

struct OcspResponder::Impl {
    struct Served {
        CertificateAuthority* ca;
        std::unique_ptr<revocation::OcspWriter> writer;
        revocation::IssuerHashes sha1;   // for pre-signed CertIDs
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
    std::size_t ca_of(const revocation::CertIdInfo& id) const {
        for (std::size_t i = 0; i < cas.size(); ++i)
            if (cas[i].ca->covers(id)) return i;
        return cas.size();
    }

    // One signed answer about one certificate.
    Entry sign(std::size_t ca, revocation::CertIdInfo id) const {
        const TimePoint now = clock.now();
        const auto status = cas[ca].ca->status(id.serial);
        Entry e{{}, ca, now, now + options.validity, std::move(id), status.state != revocation::CertState::Unknown};
        e.der = cas[ca].writer->write({now, {{e.id.der, status, e.this_update, e.next_update}}, std::nullopt});
        return e;
    }

    // Caches (or replaces) the answer for a CertID, within max_cached.
    void keep(Entry e) {
        const std::string key = key_of(e.id);
        std::unique_lock lock(mutex);
        if (auto it = cache.find(key); it != cache.end()) {
            it->second = std::move(e);
        } else if (cache.size() < options.max_cached) {
            auto& keys = cas[e.ca].keys_by_serial[to_hex(e.id.serial)];
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);  // forget() left it
            cache.emplace(key, std::move(e));
        }
    }

    void presign(RefreshStats& stats) {
        for (std::size_t i = 0; i < cas.size(); ++i) {
            auto& ca = *cas[i].ca;
            store::CertificateQuery q;
            q.issuer = ca.issuer_id();
            q.status = store::CertStatus::Issued;
            q.limit = static_cast<int>(std::min(options.max_cached, kPresignLimit));
            for (const auto& rec : ca.repository().list(q)) {
                if (cached_size() >= options.max_cached) return;
                auto id = revocation::make_cert_id(cas[i].sha1, from_hex(rec.serial));
                {
                    std::shared_lock lock(mutex);
                    if (cache.count(key_of(id))) continue;
                }
                keep(sign(i, std::move(id)));
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
        // A delegated responder that relying parties would refuse, or whose key is not its
        // certificate's, is refused now, not at the first request.
        if (s.signer.responder_cert) check_delegated_responder(*s.signer.responder_cert, s.ca->certificate());
        auto writer = std::make_unique<revocation::OcspWriter>(
            s.signer.responder_cert ? *s.signer.responder_cert : s.ca->certificate(),
            s.signer.responder_key ? *s.signer.responder_key : s.ca->signer());
        impl_->cas.push_back({s.ca, std::move(writer), revocation::issuer_hashes(s.ca->certificate()).front(),
                              s.ca->repository().last_event(s.ca->issuer_id()), {}});
    }
}

OcspResponder::~OcspResponder() = default;

std::size_t OcspResponder::cached() const { return impl_->cached_size(); }

OcspAnswer OcspResponder::respond(ByteView request) {
    auto& m = *impl_;
    OcspAnswer a;
    auto req = revocation::parse_ocsp_request(request);
    if (!req) {
        a.der = revocation::ocsp_status_only(revocation::OcspResponseStatus::MalformedRequest);
        return a;
    }
    std::size_t ca = m.cas.size();
    for (std::size_t i = 0; i < req->certificates.size() && ca == m.cas.size(); ++i) ca = m.ca_of(req->certificates[i]);
    if (ca == m.cas.size()) {
        a.outcome = OcspOutcome::Unauthorized;
        a.der = revocation::ocsp_status_only(revocation::OcspResponseStatus::Unauthorized);
        return a;
    }
    a.outcome = OcspOutcome::Answered;
    a.ca_id = m.cas[ca].ca->config().id;
    const bool cacheable = req->certificates.size() == 1 && !req->nonce_extension && !req->other_extensions;
    if (!cacheable) {
        a.der = detail::ocsp_answer(*m.cas[ca].ca, *req, *m.cas[ca].writer, m.options.validity, m.clock.now());
        return a;
    }
    auto& id = req->certificates.front();
    const TimePoint now = m.clock.now();
    {
        std::shared_lock lock(m.mutex);
        // Never an answer dated in the future (the clock stepped back since it was signed).
        if (auto it = m.cache.find(key_of(id));
            it != m.cache.end() && it->second.this_update <= now && now < it->second.next_update - m.options.validity / 4) {
            a.der = it->second.der;
            a.this_update = it->second.this_update;
            a.next_update = it->second.next_update;
            a.from_cache = true;
            return a;
        }
    }
    Entry e = m.sign(ca, std::move(id));
    a.der = e.der;
    a.this_update = e.this_update;
    a.next_update = e.next_update;
    // Only certificates the CA issued are cached: made-up serials must not fill the memory.
    if (e.known) m.keep(std::move(e));
    return a;
}

RefreshStats OcspResponder::refresh() {
    auto& m = *impl_;
    RefreshStats stats;
    // Responses whose certificate's status changed, and responses past half their validity.
    std::vector<std::string> due;
    for (auto& served : m.cas) {
        auto& repo = served.ca->repository();
        std::int64_t last = repo.last_event(served.ca->issuer_id());
        if (last == served.seen_event) continue;
        const auto events = repo.events_after(served.ca->issuer_id(), served.seen_event, last);
        served.seen_event = last;
        stats.status_changes += events.size();
        std::shared_lock lock(m.mutex);
        for (const auto& ev : events)
            if (auto it = served.keys_by_serial.find(ev.serial); it != served.keys_by_serial.end())
                due.insert(due.end(), it->second.begin(), it->second.end());
    }
    const TimePoint now = m.clock.now();
    std::vector<Entry> stale;
    {
        std::shared_lock lock(m.mutex);
        for (const auto& [key, e] : m.cache)
            if (now >= e.this_update + m.options.validity / 2 || e.this_update > now) due.push_back(key);
        std::sort(due.begin(), due.end());
        due.erase(std::unique(due.begin(), due.end()), due.end());
        for (const auto& key : due)
            if (auto it = m.cache.find(key); it != m.cache.end()) stale.push_back(it->second);
    }
    for (auto& e : stale) {
        m.keep(m.sign(e.ca, std::move(e.id)));
        ++stats.signed_responses;
    }
    if (m.options.presign && !m.presigned) {
        m.presign(stats);
        m.presigned = true;
    }
    return stats;
}

void OcspResponder::forget(const std::string& serial) {
    auto& m = *impl_;
    std::unique_lock lock(m.mutex);
    for (auto& served : m.cas)
        if (auto it = served.keys_by_serial.find(serial); it != served.keys_by_serial.end())
            for (const auto& key : it->second) m.cache.erase(key);
}

bool OcspResponder::answers_for(const x509::Certificate& issuer) const {
    return std::any_of(impl_->cas.begin(), impl_->cas.end(), [&](const Impl::Served& s) { return s.ca->certificate().der() == issuer.der(); });
}

std::vector<std::shared_ptr<const revocation::OcspResponse>> ResponderRevocation::ocsp(const x509::Certificate& cert,
                                                                                      const x509::Certificate& issuer,
                                                                                      std::vector<std::string>& problems) {
    if (!responder_.answers_for(issuer)) return fallback_ ? fallback_->ocsp(cert, issuer, problems) : decltype(ocsp(cert, issuer, problems)){};
    try {
        const Bytes request = revocation::ocsp_request(cert, issuer);
        auto answer = responder_.respond(request);
        const std::string key(request.begin(), request.end());
        {
            std::lock_guard lock(mutex_);
            if (auto it = parsed_.find(key); it != parsed_.end() && it->second.der == answer.der) return {it->second.response};
        }
        auto parsed = std::make_shared<const revocation::OcspResponse>(revocation::OcspResponse::from_der(answer.der));
        if (answer.from_cache) {  // the same bytes will be served again: keep them parsed
            constexpr std::size_t kMaxParsed = 100'000;
            std::lock_guard lock(mutex_);
            if (parsed_.size() >= kMaxParsed) parsed_.clear();
            parsed_[key] = Parsed{std::move(answer.der), parsed};
        }
        return {parsed};
    } catch (const Error& e) {  // a CA that cannot sign now (expired, store damaged): no answer, said why
        problems.push_back(std::string("the CA's own OCSP answer: ") + e.what());
        return {};
    }
}

std::vector<std::shared_ptr<const revocation::Crl>> ResponderRevocation::crls(const x509::Certificate& cert, std::vector<std::string>& problems) {
    return fallback_ ? fallback_->crls(cert, problems) : std::vector<std::shared_ptr<const revocation::Crl>>{};
}

}  // namespace tanba::ca
