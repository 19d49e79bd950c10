#pragma once
// HTTP for fetching revocation data and time-stamps: an interface, so the library never opens
// a connection itself (tests and servers pass their own), and a libcurl implementation.
#include <chrono>
#include <memory>
#include <string>

#include "tanba/base/bytes.hpp"

namespace tanba::net {

struct HttpLimits {
    std::chrono::milliseconds timeout{5000};   // connection and whole transfer
    std::size_t max_bytes = 64u << 20;         // body size cap
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// The body of a 200 answer. http:// and https:// only, no redirects. Throws FETCH_FAILED
    /// (with the reason and URL) and INPUT_TOO_LARGE. Thread-safe.
    virtual Bytes get(const std::string& url, const HttpLimits& limits) = 0;
    virtual Bytes post(const std::string& url, ByteView body, const std::string& content_type, const HttpLimits& limits) = 0;
};

/// The libcurl client (one easy handle per transfer).
std::unique_ptr<HttpClient> make_curl_client();

}  // namespace tanba::net
