#pragma once
// The server's view of HTTP: a request as the router sees it, a response as it returns it,
// and problem+json (RFC 9457) errors carrying tanba's stable error codes.
#include <string>
#include <utility>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/error.hpp"

namespace tanba::server {

struct HttpRequest {
    std::string method;        // "GET", "POST", ...
    std::string target;        // path and query as sent
    std::string content_type;  // without parameters, lower case
    Bytes body;
    std::string peer;          // client address and port, for logs
    std::string address;       // client address alone (rate limits)
    std::string authorization; // the Authorization field, if any
    std::string idempotency_key; // the Idempotency-Key field, if any
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type/-Length
    std::string code;          // the error code name of a problem, for logs and metrics
    std::string endpoint;      // the route's name, for logs and metrics ("ocsp", "crl", ...)
};

/// The one table from error codes to HTTP statuses: the 10xx codes and malformed protocol
/// messages their 4xx; any other code 503 when retryable, else 500.
unsigned http_status(ErrorCode code);

/// An application/problem+json response with http_status(code): type
/// "urn:tanba:error:<NAME>", title (the code's message), status, detail, code (stable name)
/// and number; Retry-After for 503.
HttpResponse problem(ErrorCode code, const std::string& detail);
/// The session of an `Authorization: Bearer …` field. Throws AUTH_SESSION_INVALID without one.
std::string bearer(const HttpRequest& req);
/// 405 naming the methods the resource takes (Allow).
HttpResponse not_allowed(const HttpRequest& req, const char* allow);

}  // namespace tanba::server
