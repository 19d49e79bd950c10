#pragma once
// HTTP/1.1 over Boost.Beast: a listener and keep-alive sessions on a thread pool, with limits
// on header and body size, a deadline per request (a slow client is answered 408 and
// dropped), a write deadline, a cap on open connections and optional TLS.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace tanba::server {

struct HttpLimits {
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_body_bytes = 64 * 1024;
    /// From the first byte awaited to the whole request read; also the keep-alive idle time.
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds write_timeout{10'000};
    std::size_t max_connections = 10'000;
};

struct TlsSettings {
    std::string certificate_chain_file;  // PEM: the server certificate then its issuers
    EVP_PKEY* key = nullptr;             // the server's key (kept alive by the caller)
};

/// Answers one request; must not throw (the server answers 500 if it does).
using Handler = std::function<HttpResponse(HttpRequest&)>;
/// Sees every response, including those the HTTP layer makes (400, 408, 413, 431).
/// `bytes` is the size of the body sent (the response's body has been handed to the socket).
using Observer = std::function<void(const HttpRequest&, const HttpResponse&, std::size_t bytes, std::chrono::nanoseconds latency)>;

class HttpServer {
public:
    /// Binds `host:port` (port 0: any free port). Throws CONFIG_INVALID when the address does
    /// not parse, IO_ERROR when it cannot be bound, and TLS set-up failures as CRYPTO_FAILURE.
    HttpServer(const std::string& host, unsigned short port, HttpLimits limits, Handler handler, Observer observer,
               const std::optional<TlsSettings>& tls);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// The bound port.
    unsigned short port() const;
    /// Open connections now.
    std::size_t connections() const;
    /// Serves on `threads` threads until stop() (or SIGINT/SIGTERM when handle_signals).
    void run(unsigned threads, bool handle_signals);
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace tanba::server
