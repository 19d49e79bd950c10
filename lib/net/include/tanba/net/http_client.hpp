#pragma once
// HTTP for fetching revocation data and time-stamps, and for the CLI's calls to a tanba-server
// API: an interface, so the library never opens a connection itself (tests and servers pass
// their own), and a libcurl implementation.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tanba/base/bytes.hpp"

namespace tanba::net {

struct HttpLimits {
    std::chrono::milliseconds timeout{5000};   ///< connection and whole transfer
    std::size_t max_bytes = 64u << 20;         ///< body size cap
};

/// One request: GET without a body, else the method given (POST, PUT, DELETE).
struct HttpRequest {
    std::string method = "GET";
    std::string url;
    Bytes body;
    std::string content_type;                                 ///< with a body
    std::vector<std::pair<std::string, std::string>> headers; ///< Authorization, Idempotency-Key, ...
};

struct HttpResponse {
    long status = 0;
    std::string content_type;  ///< as sent, parameters included
    Bytes body;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// The answer, whatever its status. http:// and https:// only, no redirects. Throws
    /// FETCH_FAILED (transport: refused, timeout; with the reason and URL) and INPUT_TOO_LARGE.
    /// Thread-safe.
    virtual HttpResponse exchange(const HttpRequest& request, const HttpLimits& limits) = 0;

    /// The body of a 200 answer; another status is FETCH_FAILED too.
    Bytes get(const std::string& url, const HttpLimits& limits);
    Bytes post(const std::string& url, ByteView body, const std::string& content_type, const HttpLimits& limits);  ///< POSTs body; the body of a 200 answer (another status is FETCH_FAILED).
};

/// The libcurl client (one easy handle per transfer).
std::unique_ptr<HttpClient> make_curl_client();

}  // namespace tanba::net
