// Dispatching requests to the services, and the HTTP details of each endpoint.
#include "routes.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <ctime>

namespace tanba::server {
namespace {

constexpr std::size_t kMaxGetRequest = 4096;  // base64 of an OCSP request in a URL

std::string http_date(TimePoint t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

// RFC 5019 §6.2 caching headers for a response valid from this_update to next_update.
void cache_headers(HttpResponse& r, TimePoint now, TimePoint this_update, TimePoint next_update) {
    const auto max_age = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(next_update - now).count());
    r.headers.emplace_back("Last-Modified", http_date(this_update));
    r.headers.emplace_back("Expires", http_date(next_update));
    r.headers.emplace_back("Cache-Control", "max-age=" + std::to_string(max_age) + ", public, no-transform, must-revalidate");
}

HttpResponse binary(std::string type, ByteView der) {
    HttpResponse r;
    r.content_type = std::move(type);
    r.body.assign(der.begin(), der.end());
    return r;
}

HttpResponse text(std::string body, const std::string& type = "text/plain; charset=utf-8") {
    HttpResponse r;
    r.content_type = type;
    r.body = std::move(body);
    return r;
}

// Percent-decoding of a URL path segment; nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) || !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
            return std::nullopt;
        out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
    }
    return out;
}

HttpResponse wrong_type(const HttpRequest& req, const char* wanted) {
    return problem(ErrorCode::HTTP_UNSUPPORTED_MEDIA_TYPE,
                   "Content-Type must be " + std::string(wanted) + ", not '" + req.content_type + "'");
}


// "/crl/" + name + ".crl" -> name, when the target has that shape.
std::optional<std::string> between(std::string_view path, std::string_view prefix, std::string_view suffix) {
    if (path.size() <= prefix.size() + suffix.size() || !path.starts_with(prefix) || !path.ends_with(suffix)) return std::nullopt;
    auto name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (name.find('/') != std::string_view::npos) return std::nullopt;
    return std::string(name);
}

}  // namespace

Router::Router(Services& services, Metrics& metrics, const Clock& clock, std::function<std::map<std::string, double>()> gauges,
               std::size_t auth_requests_per_minute)
    : services_(services), metrics_(metrics), clock_(clock), gauges_(std::move(gauges)), auth_limit_(auth_requests_per_minute) {}

HttpResponse Router::operator()(HttpRequest& req) {
    const std::string_view path = std::string_view(req.target).substr(0, req.target.find('?'));
    const bool get = req.method == "GET" || req.method == "HEAD", post = req.method == "POST";
    auto route = [&]() -> HttpResponse {
        if (path == "/ocsp" || path == "/ocsp/") {
            if (!post) return not_allowed(req, "POST");
            if (req.content_type != "application/ocsp-request") return wrong_type(req, "application/ocsp-request");
            return ocsp(req.body);
        }
        if (path.starts_with("/ocsp/")) {
            if (!get) return not_allowed(req, "GET, HEAD");
            auto encoded = path.substr(6);
            if (encoded.size() > kMaxGetRequest) return problem(ErrorCode::HTTP_URI_TOO_LONG, "the encoded OCSP request is longer than 4 KiB");
            auto text = percent_decode(encoded);
            auto der = text ? base64_decode(*text) : std::nullopt;
            if (!der) return problem(ErrorCode::OCSP_REQUEST_INVALID, "the URL does not end in base64 of an OCSP request");
            return ocsp(*der);
        }
        if (auto name = between(path, "/crl/", ".crl")) return get ? crl(*name) : not_allowed(req, "GET, HEAD");
        if (auto name = between(path, "/ca/", ".crt")) return get ? ca_certificate(*name) : not_allowed(req, "GET, HEAD");
        if (path == "/tsa") {
            if (!post) return not_allowed(req, "POST");
            return tsa(req);
        }
        if (path.starts_with("/api/v1/")) return api(req, path);
        if (path.starts_with("/oidc/") || path == "/.well-known/openid-configuration") return oidc(req, path);
        if (path == "/healthz") return get ? text("ok\n") : not_allowed(req, "GET, HEAD");
        if (path == "/readyz") return get ? ready() : not_allowed(req, "GET, HEAD");
        if (path == "/metrics") return get ? metrics() : not_allowed(req, "GET, HEAD");
        return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
    };
    HttpResponse r;
    try {
        r = route();
    } catch (const Error& e) {
        spdlog::error("{} {}: {} {}", req.method, path, to_string(e.code()), e.context());
        r = problem(e.code(), "the request could not be answered");
    }
    // For logs and metrics: the first path segment when it names an endpoint.
    static const std::array<std::string_view, 10> known{"ocsp", "crl", "ca", "tsa", "healthz", "readyz", "metrics", "api", "oidc", ".well-known"};
    const auto rest = path.substr(path.empty() ? 0 : 1);
    const auto first = rest.substr(0, rest.find('/'));
    r.endpoint = std::find(known.begin(), known.end(), first) != known.end() ? std::string(first) : "other";
    return r;
}

HttpResponse Router::ocsp(ByteView der) {
    auto answer = services_.ocsp().respond(der);
    if (answer.outcome == ca::OcspOutcome::Malformed)
        return problem(ErrorCode::OCSP_REQUEST_INVALID, "the body is not a DER OCSPRequest of at most 64 KiB with a certificate");
    auto r = binary("application/ocsp-response", answer.der);
    if (answer.outcome == ca::OcspOutcome::Answered) metrics_.ocsp_cache(answer.from_cache);
    if (answer.this_update && answer.next_update) cache_headers(r, clock_.now(), *answer.this_update, *answer.next_update);
    else r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

HttpResponse Router::crl(const std::string& name) {
    auto served = services_.crl(name);
    if (!served) return problem(ErrorCode::HTTP_NOT_FOUND, "no CA '" + name + "' is served here");
    if (!served->der) return problem(ErrorCode::CRL_NOT_AVAILABLE, "no CRL has been issued for '" + name + "' yet");
    auto r = binary("application/pkix-crl", *served->der);
    cache_headers(r, clock_.now(), served->this_update, served->next_update);
    return r;
}

HttpResponse Router::ca_certificate(const std::string& name) {
    const Bytes* der = services_.ca_certificate(name);
    if (!der) return problem(ErrorCode::HTTP_NOT_FOUND, "no CA '" + name + "' is served here");
    return binary("application/pkix-cert", *der);
}

HttpResponse Router::tsa(const HttpRequest& req) {
    if (!services_.has_tsa()) return problem(ErrorCode::HTTP_NOT_FOUND, "no time-stamp authority is configured");
    if (req.content_type != "application/timestamp-query") return wrong_type(req, "application/timestamp-query");
    auto answer = services_.timestamp(req.body);
    if (answer.outcome == tsp::TsaOutcome::Malformed)
        return problem(ErrorCode::TSP_DECODE_FAILED, "the body is not a DER TimeStampReq of at most 16 KiB");
    auto r = binary("application/timestamp-reply", answer.der);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

HttpResponse Router::probe(HttpRequest& req) {
    const std::string_view path = std::string_view(req.target).substr(0, req.target.find('?'));
    if (path != "/healthz" && path != "/readyz" && path != "/metrics")
        return problem(ErrorCode::HTTP_NOT_FOUND, "the probe listener serves /healthz, /readyz and /metrics only");
    return (*this)(req);
}

HttpResponse Router::ready() {
    std::string why;
    if (!services_.ready(why)) return problem(ErrorCode::SERVER_NOT_READY, why);
    return text("ready\n");
}

HttpResponse Router::metrics() {
    auto gauges = gauges_ ? gauges_() : std::map<std::string, double>{};
    gauges.merge(services_.certificate_gauges());
    const auto& c = services_.counters();
    gauges["tanba_ocsp_cached_responses"] = static_cast<double>(services_.ocsp().cached());
    gauges["tanba_refresh_passes_total"] = static_cast<double>(c.refresh_passes.load());
    gauges["tanba_refresh_failures_total"] = static_cast<double>(c.refresh_failures.load());
    gauges["tanba_crls_issued_total"] = static_cast<double>(c.crls_issued.load());
    gauges["tanba_ocsp_background_signatures_total"] = static_cast<double>(c.ocsp_signed_in_background.load());
    return text(metrics_.render(gauges), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace tanba::server
