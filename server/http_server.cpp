// HTTP/1.1 sessions and the listener (Boost.Beast, Boost.Asio).
#include "http_server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <type_traits>

namespace tanba::server {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kDrainTime{1};
constexpr std::chrono::milliseconds kGrace{500};
constexpr std::chrono::milliseconds kAcceptBackoff{100};  // out of file descriptors: wait, don't spin
constexpr std::chrono::seconds kWarnInterval{10};

/// A connection the listener may close to make room.
struct Evictable {
    virtual ~Evictable() = default;
    virtual void evict() = 0;
};

// Who is connected: a count per client address, and the keep-alive connections waiting for
// their next request, longest-waiting first (what to close when the server is full).
class Registry {
public:
    bool admit(const std::string& address, std::size_t per_client) {
        std::lock_guard lock(mutex_);
        auto& n = per_address_[address];
        if (n >= per_client) return false;
        ++n;
        return true;
    }
    void release(const std::string& address) {
        std::lock_guard lock(mutex_);
        if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
    }
    std::uint64_t idle(std::weak_ptr<Evictable> connection) {
        std::lock_guard lock(mutex_);
        idle_.emplace(next_, std::move(connection));
        return next_++;
    }
    void busy(std::uint64_t ticket) {
        std::lock_guard lock(mutex_);
        idle_.erase(ticket);
    }
    std::shared_ptr<Evictable> take_longest_idle() {
        std::lock_guard lock(mutex_);
        while (!idle_.empty()) {
            auto connection = idle_.begin()->second.lock();
            idle_.erase(idle_.begin());
            if (connection) return connection;
        }
        return nullptr;
    }

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> per_address_;
    std::map<std::uint64_t, std::weak_ptr<Evictable>> idle_;
    std::uint64_t next_ = 1;
};

struct Shared {
    HttpLimits limits;
    Handler handler;
    Observer observer;
    std::function<void(const std::string&)> warn;
    std::atomic<std::size_t> connections{0};
    Registry registry;
};

std::string media_type(std::string_view value) {
    std::string out(value.substr(0, value.find(';')));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

template <class Stream>
class Session : public Evictable, public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

public:
    /// `address` was admitted to the registry; the session releases it.
    template <class... Args>
    Session(std::shared_ptr<Shared> shared, std::string address, tcp::socket&& socket, Args&... args)
        : shared_(std::move(shared)), address_(std::move(address)), stream_(std::move(socket), args...), timer_(stream_.get_executor()) {
        ++shared_->connections;
        boost::system::error_code ec;
        const auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    ~Session() override {
        if (idle_ticket_) shared_->registry.busy(idle_ticket_);
        shared_->registry.release(address_);
        --shared_->connections;
    }

    void evict() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
    }

    void start() {
        net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
            if constexpr (kTls) {
                self->arm(self->shared_->limits.request_timeout);
                self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
                    self->disarm();
                    if (ec) return self->close();
                    self->read();
                });
            } else {
                self->read();
            }
        });
    }

private:
    // Deadline for the operation under way: when it passes, the socket's operations are
    // cancelled and the handler sees timed_out_. An expiry already queued cannot be cancelled:
    // the generation tells a stale one from the current one.
    void arm(std::chrono::milliseconds d) {
        timed_out_ = false;
        timer_.expires_after(d);
        timer_.async_wait([self = this->shared_from_this(), generation = ++generation_](beast::error_code ec) {
            if (ec || generation != self->generation_) return;
            self->timed_out_ = true;
            beast::get_lowest_layer(self->stream_).socket().cancel(ec);
        });
    }

    void disarm() {
        ++generation_;
        timer_.cancel();
    }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_header_bytes));
        body_limit_ = shared_->limits.max_body_bytes;
        parser_->body_limit(body_limit_);
        if (served_ > 0) idle_ticket_ = shared_->registry.idle(this->weak_from_this());  // between keep-alive requests
        arm(shared_->limits.request_timeout);
        http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
    }

    // The header is in: the body's limit depends on the target.
    void on_header(beast::error_code ec, std::size_t n) {
        if (ec) return on_read(ec, n);
        body_limit_ = shared_->limits.body_limit_for(parser_->get().target());
        parser_->body_limit(body_limit_);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        disarm();
        if (idle_ticket_) shared_->registry.busy(std::exchange(idle_ticket_, 0));
        started_ = Clock::now();
        request_ = HttpRequest{};
        request_.peer = peer_;
        if (parser_->is_header_done()) {
            request_.method = std::string(parser_->get().method_string());
            request_.target = std::string(parser_->get().target());
        }
        if (!ec) return handle();
        if (ec == http::error::end_of_stream) return close();
        const bool started = parser_->got_some() || buffer_.size() > 0;
        if (timed_out_) {
            if (!started || kTls) return close();
            return reply(problem(ErrorCode::HTTP_REQUEST_TIMEOUT, "the request did not arrive within " +
                                     std::to_string(shared_->limits.request_timeout.count()) + " ms"), false);
        }
        if (ec == http::error::body_limit)
            return reply(problem(ErrorCode::HTTP_BODY_TOO_LARGE, "the body may have at most " + std::to_string(body_limit_) + " bytes"), false);
        if (ec == http::error::header_limit)
            return reply(problem(ErrorCode::HTTP_HEADER_TOO_LARGE, "the header may have at most " +
                                     std::to_string(shared_->limits.max_header_bytes) + " bytes"), false);
        if (ec.category() == http::make_error_code(http::error::bad_target).category() && started)
            return reply(problem(ErrorCode::HTTP_BAD_REQUEST, ec.message()), false);
        close();  // the connection failed or the client left
    }

    /// RFC 9112 §6.3 and §3.2: what a request smuggler relies on. The answer closes the
    /// connection, so that nothing after it is read as another request.
    std::optional<HttpResponse> framing_problem(const http::request<http::vector_body<std::uint8_t>>& msg) const {
        std::vector<std::string> codings;
        const auto [te_first, te_last] = msg.equal_range(http::field::transfer_encoding);
        for (auto field = te_first; field != te_last; ++field) {
            std::string value(field->value());
            std::size_t start = 0;
            while (start <= value.size()) {
                const std::size_t comma = std::min(value.find(',', start), value.size());
                std::string c = value.substr(start, comma - start);
                c.erase(0, c.find_first_not_of(" \t"));
                c.erase(c.find_last_not_of(" \t") + 1);
                for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                if (!c.empty()) codings.push_back(c);
                start = comma + 1;
            }
        }
        if (!codings.empty() && codings.back() != "chunked")
            return problem(ErrorCode::HTTP_FRAMING_INVALID, "Transfer-Encoding must end in chunked");
        if (codings.size() > 1) return problem(ErrorCode::HTTP_NOT_IMPLEMENTED, "only the chunked transfer coding is implemented");
        const auto [host_first, host_last] = msg.equal_range(http::field::host);
        const auto hosts = std::distance(host_first, host_last);
        if (msg.version() >= 11 && hosts == 0) return problem(ErrorCode::HTTP_FRAMING_INVALID, "an HTTP/1.1 request needs a Host field");
        if (hosts > 1) return problem(ErrorCode::HTTP_FRAMING_INVALID, "several Host fields");
        return std::nullopt;
    }

    void handle() {
        auto& msg = parser_->get();
        if (auto bad = framing_problem(msg)) return reply(std::move(*bad), false);
        request_.content_type = media_type(msg[http::field::content_type]);
        request_.address = address_;
        request_.authorization = std::string(msg[http::field::authorization]);
        request_.idempotency_key = std::string(msg["Idempotency-Key"]);
        request_.body = std::move(msg.body());
        const bool keep_alive = msg.keep_alive();
        HttpResponse out;
        try {
            out = shared_->handler(request_);
        } catch (...) {
            out = problem(ErrorCode::INTERNAL, "the request could not be answered");
        }
        reply(std::move(out), keep_alive);
    }

    void reply(HttpResponse out, bool keep_alive) {
        response_ = std::move(out);
        message_.emplace(static_cast<http::status>(response_.status), 11);
        message_->set(http::field::server, "tanba-server");
        if (!response_.content_type.empty()) message_->set(http::field::content_type, response_.content_type);
        for (const auto& [name, value] : response_.headers) message_->set(name, value);
        message_->body() = std::move(response_.body);
        message_->keep_alive(keep_alive);
        message_->prepare_payload();
        if (request_.method == "HEAD") {  // the GET answer's header, without its body
            const auto length = message_->body().size();
            message_->body().clear();
            message_->content_length(length);
        }
        arm(shared_->limits.write_timeout);
        http::async_write(stream_, *message_, beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        disarm();
        const bool keep_alive = message_->keep_alive();
        ++served_;
        if (shared_->observer) shared_->observer(request_, response_, message_->body().size(), Clock::now() - started_);
        message_.reset();
        if (ec) return close();
        if (!keep_alive) return shutdown();
        read();
    }

    // Ends the connection politely: TLS close_notify, or our side shut and what the client
    // still sends read away (closing with unread data would reset the connection before the
    // client reads our answer).
    void shutdown() {
        arm(kDrainTime);
        if constexpr (kTls) {
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
        } else {
            beast::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            drain();
        }
    }

    void drain() {
        stream_.async_read_some(net::buffer(drain_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->drain();
        });
    }

    void close() {
        disarm();
        beast::error_code ec;
        beast::get_lowest_layer(stream_).socket().close(ec);
    }

    std::shared_ptr<Shared> shared_;
    std::string address_;
    Stream stream_;
    net::steady_timer timer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::vector_body<std::uint8_t>>> parser_;
    std::optional<http::response<http::string_body>> message_;
    HttpRequest request_;
    HttpResponse response_;
    std::string peer_;
    bool timed_out_ = false;
    std::uint64_t generation_ = 0;
    std::uint64_t served_ = 0;       // responses written on this connection
    std::size_t body_limit_ = 0;     // of the request being read
    std::uint64_t idle_ticket_ = 0;  // in the registry's idle list while non-zero
    Clock::time_point started_{};
    std::array<char, 4096> drain_{};
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    net::io_context ioc;
    // The acceptor, its backoff timer and stop() share one strand: the accept handler runs on
    // any worker thread and must not race with the close.
    net::strand<net::io_context::executor_type> accept_strand = net::make_strand(ioc);
    tcp::acceptor acceptor{accept_strand};
    std::optional<ssl::context> tls;
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();

    net::steady_timer backoff{accept_strand};
    Clock::time_point last_fd_warning{};
    std::size_t refused_for_fds = 0;

    void accept() {
        acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system) {
                self->out_of_descriptors();
                return;
            }
            if (!ec) self->admit(std::move(socket));
            if (self->acceptor.is_open()) self->accept();
        });
    }

    // The pending connection stays in the backlog; accepting again at once would spin.
    void out_of_descriptors() {
        ++refused_for_fds;
        if (Clock::now() - last_fd_warning >= kWarnInterval && shared->warn) {
            last_fd_warning = Clock::now();
            shared->warn("out of file descriptors with " + std::to_string(shared->connections.load()) + " connections open (" +
                         std::to_string(refused_for_fds) + " accept attempts waited): lower max_connections or raise the limit (ulimit -n)");
        }
        backoff.expires_after(kAcceptBackoff);
        backoff.async_wait([self = shared_from_this()](beast::error_code) {
            if (self->acceptor.is_open()) self->accept();
        });
    }

    void admit(tcp::socket socket) {
        beast::error_code ec;
        const auto address = socket.remote_endpoint(ec).address().to_string();
        if (ec) return;
        if (shared->connections.load() >= shared->limits.max_connections) {
            auto idle = shared->registry.take_longest_idle();
            if (!idle) return;  // everyone is busy: closed (the socket goes out of scope)
            idle->evict();
        }
        if (!shared->registry.admit(address, shared->limits.max_connections_per_client)) return;  // closed
        if (tls)
            std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(shared, address, std::move(socket), *tls)->start();
        else
            std::make_shared<Session<beast::tcp_stream>>(shared, address, std::move(socket))->start();
    }
};

std::size_t HttpLimits::body_limit_for(std::string_view target) const {
    for (const auto& [prefix, limit] : body_limits)
        if (target.starts_with(prefix)) return limit;
    return max_body_bytes;
}

HttpServer::HttpServer(const std::string& host, unsigned short port, HttpLimits limits, Handler handler, Observer observer,
                       const std::optional<TlsSettings>& tls)
    : impl_(std::make_shared<Impl>()) {
    impl_->shared->limits = limits;
    impl_->shared->handler = std::move(handler);
    impl_->shared->observer = std::move(observer);
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) throw Error(ErrorCode::CONFIG_INVALID, "listen address '" + host + "' is not an IP address");
    if (tls) {
        auto& ctx = impl_->tls.emplace(ssl::context::tls_server);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        // TLS 1.3 when the client has it (OpenSSL picks the highest); TLS 1.2 only with forward
        // secrecy and AEAD: no CBC, no SHA-1 MACs, no static RSA key exchange.
        SSL_CTX* native = ctx.native_handle();
        if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
            SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL") != 1)
            throw Error(ErrorCode::CRYPTO_FAILURE, "setting the TLS cipher suites");
        SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
        ctx.use_certificate_chain_file(tls->certificate_chain_file, ec);
        if (ec) throw Error(ErrorCode::CONFIG_INVALID, "TLS certificate chain " + tls->certificate_chain_file + ": " + ec.message());
        if (SSL_CTX_use_PrivateKey(ctx.native_handle(), tls->key) != 1 || SSL_CTX_check_private_key(ctx.native_handle()) != 1)
            throw Error(ErrorCode::KEY_MISMATCH, "the TLS key does not match the TLS certificate");
    }
    const tcp::endpoint endpoint(address, port);
    auto& a = impl_->acceptor;
    a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw Error(ErrorCode::IO_ERROR, "listening on " + host + ":" + std::to_string(port) + ": " + ec.message());
}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::size_t HttpServer::connections() const { return impl_->shared->connections.load(); }

void HttpServer::on_warning(std::function<void(const std::string&)> warn) { impl_->shared->warn = std::move(warn); }

void HttpServer::run(unsigned threads, bool handle_signals) {
    std::optional<net::signal_set> signals;
    if (handle_signals) {
        signals.emplace(impl_->ioc, SIGINT, SIGTERM);
        signals->async_wait([this](beast::error_code ec, int) {
            if (!ec) stop();
        });
    }
    impl_->accept();
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < std::max(threads, 1u); ++i) pool.emplace_back([this] { impl_->ioc.run(); });
    impl_->ioc.run();
    for (auto& t : pool) t.join();
}

// No new connections; requests under way get kGrace to finish, then everything stops.
void HttpServer::stop() {
    net::post(impl_->accept_strand, [impl = impl_] {
        beast::error_code ec;
        impl->acceptor.close(ec);
        auto timer = std::make_shared<net::steady_timer>(impl->ioc, kGrace);
        timer->async_wait([impl, timer](beast::error_code) { impl->ioc.stop(); });
    });
}

}  // namespace tanba::server
