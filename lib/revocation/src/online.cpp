// OnlineRevocation: fetch once, keep until nextUpdate.
#include <map>
#include <mutex>

#include "tanba/revocation/fetch.hpp"

namespace tanba::revocation {

struct OnlineRevocation::Impl {
    struct Entry {
        TimePoint until{};
        std::uint64_t order = 0;                          // for eviction, oldest first
        std::vector<std::shared_ptr<const Crl>> crls;
        std::shared_ptr<const OcspResponse> ocsp;
        std::string problem;                              // set when the fetch failed
    };
    net::HttpClient& http;
    const Clock& clock;
    OnlineOptions options;
    std::mutex mutex;
    std::map<std::string, Entry> cache;  // "crl " + URL, "ocsp " + URL + certificate + issuer
    std::uint64_t next_order = 0;
    std::size_t fetches = 0;

    Impl(net::HttpClient& h, const Clock& c, OnlineOptions o) : http(h), clock(c), options(o) {}

    // The cached entry, or the one `fetch` makes now (kept until its own time, a failure for
    // retry_after). The lock is not held during the transfer.
    template <class Fetch>
    Entry lookup(const std::string& key, Fetch fetch) {
        const TimePoint now = clock.now();
        {
            std::lock_guard lock(mutex);
            if (auto it = cache.find(key); it != cache.end() && now < it->second.until) return it->second;
        }
        Entry e;
        try {
            e = fetch(now);
        } catch (const Error& err) {
            e = Entry{};
            e.problem = err.what();
            e.until = now + options.retry_after;
        }
        std::lock_guard lock(mutex);
        ++fetches;
        e.order = next_order++;
        if (cache.size() >= options.max_entries && !cache.count(key)) {
            auto oldest = cache.begin();
            for (auto it = cache.begin(); it != cache.end(); ++it)
                if (it->second.order < oldest->second.order) oldest = it;
            cache.erase(oldest);
        }
        cache[key] = e;
        return e;
    }

    TimePoint keep_until(std::optional<TimePoint> next_update, TimePoint now) const {
        return next_update && *next_update > now ? *next_update : now + options.keep_without_next_update;
    }
};

OnlineRevocation::OnlineRevocation(net::HttpClient& http, const Clock& clock, OnlineOptions options)
    : impl_(std::make_unique<Impl>(http, clock, options)) {}

OnlineRevocation::~OnlineRevocation() = default;

std::size_t OnlineRevocation::fetches() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->fetches;
}

std::vector<std::shared_ptr<const OcspResponse>> OnlineRevocation::ocsp(const x509::Certificate& cert,
                                                                        const x509::Certificate& issuer,
                                                                        std::vector<std::string>& problems) {
    auto& m = *impl_;
    for (const auto& url : ocsp_urls(cert)) {
        const std::string key = "ocsp " + url + " " + cert.sha256_fingerprint() + " " + issuer.sha256_fingerprint();
        const auto e = m.lookup(key, [&](TimePoint now) {
            Impl::Entry fresh;
            fresh.ocsp = std::make_shared<const OcspResponse>(fetch_ocsp(cert, issuer, url, m.http, m.options.limits));
            const auto single = fresh.ocsp->find(cert, issuer);
            fresh.until = m.keep_until(single ? single->next_update : std::nullopt, now);
            return fresh;
        });
        if (e.ocsp) return {e.ocsp};
        problems.push_back("OCSP " + e.problem);
    }
    return {};
}

std::vector<std::shared_ptr<const Crl>> OnlineRevocation::crls(const x509::Certificate& cert, std::vector<std::string>& problems) {
    auto& m = *impl_;
    std::vector<std::shared_ptr<const Crl>> out;
    for (const auto& url : crl_urls(cert)) {
        const auto e = m.lookup("crl " + url, [&](TimePoint now) {
            Impl::Entry fresh;
            std::optional<TimePoint> soonest;
            for (auto& crl : Crl::load_all(m.http.get(url, m.options.limits))) {
                if (auto next = crl.next_update(); next && (!soonest || *next < *soonest)) soonest = next;
                fresh.crls.push_back(std::make_shared<const Crl>(std::move(crl)));
            }
            fresh.until = m.keep_until(soonest, now);
            return fresh;
        });
        if (!e.problem.empty()) {
            problems.push_back("CRL " + e.problem);
            continue;
        }
        out.insert(out.end(), e.crls.begin(), e.crls.end());
        break;
    }
    return out;
}

}  // namespace tanba::revocation
