#pragma once
// Prometheus metrics of tanba-server (text exposition format 0.0.4).
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace tanba::server {

class Metrics {
public:
    /// Counts one answered request of an endpoint ("ocsp", "crl", ... "other") and its latency.
    void observe(const std::string& endpoint, unsigned status, std::chrono::nanoseconds latency);
    void ocsp_cache(bool hit) { (hit ? ocsp_hits_ : ocsp_misses_).fetch_add(1, std::memory_order_relaxed); }
    /// Counts one login: tanba_logins_total{outcome="ok"} or {outcome="<error code>"}.
    void login(const std::string& outcome);

    /// The exposition text; `gauges` adds name → value lines computed at scrape time.
    std::string render(const std::map<std::string, double>& gauges) const;

private:
    static constexpr std::array<double, 9> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::map<std::string, std::uint64_t> logins_;
    std::atomic<std::uint64_t> ocsp_hits_{0}, ocsp_misses_{0};
};

}  // namespace tanba::server
