#include "metrics.hpp"

#include <sstream>

namespace tanba::server {

void Metrics::observe(const std::string& endpoint, unsigned status, std::chrono::nanoseconds latency) {
    const double seconds = std::chrono::duration<double>(latency).count();
    std::lock_guard lock(mutex_);
    ++requests_[{endpoint, status}];
    auto& h = latency_[endpoint];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

void Metrics::login(const std::string& outcome) {
    std::lock_guard lock(mutex_);
    ++logins_[outcome];
}

std::string Metrics::render(const std::map<std::string, double>& gauges) const {
    std::ostringstream out;
    out << "# HELP tanba_http_requests_total Requests answered, by endpoint and status.\n"
           "# TYPE tanba_http_requests_total counter\n";
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : requests_)
        out << "tanba_http_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
    out << "# HELP tanba_http_request_duration_seconds Time from the request read to the response written.\n"
           "# TYPE tanba_http_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : latency_) {
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << "tanba_http_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"" << kBuckets[i] << "\"} "
                << h.buckets[i] << "\n";
        out << "tanba_http_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"+Inf\"} " << h.count << "\n"
            << "tanba_http_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << h.sum << "\n"
            << "tanba_http_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} " << h.count << "\n";
    }
    out << "# HELP tanba_ocsp_responses_total OCSP responses by source (pre-signed cache or signed on request).\n"
           "# TYPE tanba_ocsp_responses_total counter\n"
        << "tanba_ocsp_responses_total{source=\"cache\"} " << ocsp_hits_.load() << "\n"
        << "tanba_ocsp_responses_total{source=\"signed\"} " << ocsp_misses_.load() << "\n";
    if (!logins_.empty()) out << "# HELP tanba_logins_total Logins by outcome: ok, or the refusal's code.\n# TYPE tanba_logins_total counter\n";
    for (const auto& [outcome, n] : logins_) out << "tanba_logins_total{outcome=\"" << outcome << "\"} " << n << "\n";
    std::string typed;  // gauges may carry labels: one TYPE line per metric name
    for (const auto& [name, value] : gauges) {
        const std::string base = name.substr(0, name.find('{'));
        if (base != typed) out << "# TYPE " << base << (base.ends_with("_total") ? " counter\n" : " gauge\n");
        typed = base;
        out << name << " " << value << "\n";
    }
    return out.str();
}

}  // namespace tanba::server
