#pragma once
// HTTP/1.1 over Boost.Beast: a listener and keep-alive sessions on a thread pool, with limits
// on header and body size, a deadline per request (a slow client is answered 408 and
// dropped), a write deadline, caps on open connections (in all and per client address; when
// full, the longest-idle keep-alive connection makes room), a listener that backs off when out
// of file descriptors, and optional TLS (1.2 with ECDHE and AEAD suites only, or 1.3).
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
    /// Request targets starting with a prefix here take bodies up to its size instead.
    std::vector<std::pair<std::string, std::size_t>> body_limits;
    std::size_t body_limit_for(std::string_view target) const;
    /// From the first byte awaited to the whole request read; also the keep-alive idle time.
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds write_timeout{10'000};
    /// Open connections at most (also bounded by the file-descriptor limit: see main). When
    /// full, the connection idle longest between keep-alive requests is closed for a new one.
    std::size_t max_connections = 10'000;
    /// Open connections from one client address at most: one client cannot hold every slot.
    std::size_t max_connections_per_client = 256;
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
    /// Called (from a server thread) with what an operator should hear of: the listener out of
    /// file descriptors, at most once per interval. Set before run().
    void on_warning(std::function<void(const std::string&)> warn);
    /// Serves on `threads` threads until stop() (or SIGINT/SIGTERM when handle_signals).
    void run(unsigned threads, bool handle_signals);
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace tanba::server
