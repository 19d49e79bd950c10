// The libcurl HttpClient.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "tanba/base/error.hpp"
#include "tanba/net/http_client.hpp"

namespace tanba::net {
namespace {

struct CurlFree {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* s) const noexcept { curl_slist_free_all(s); }
};
using Curl = std::unique_ptr<CURL, CurlFree>;
using Slist = std::unique_ptr<curl_slist, SlistFree>;

struct Sink {
    Bytes data;
    std::size_t cap;
    bool too_large = false;
};

std::size_t write_cb(char* p, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t len = size * n;
    if (sink->data.size() + len > sink->cap) {
        sink->too_large = true;
        return 0;  // aborts the transfer
    }
    sink->data.insert(sink->data.end(), p, p + len);
    return len;
}

HttpResponse transfer(const HttpRequest& req, const HttpLimits& limits) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    const std::string& url = req.url;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw Error(ErrorCode::FETCH_FAILED, "only http and https URLs are fetched: " + url);
    Curl curl(curl_easy_init());
    if (!curl) throw Error(ErrorCode::FETCH_FAILED, "libcurl could not start");
    Sink sink{{}, limits.max_bytes};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.timeout.count()));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "tanba");
    Slist headers;
    auto add_header = [&headers](const std::string& line) {
        curl_slist* next = curl_slist_append(headers.get(), line.c_str());
        if (!next) throw Error(ErrorCode::FETCH_FAILED, "libcurl: out of memory");
        static_cast<void>(headers.release());
        headers.reset(next);
    };
    for (const auto& [name, value] : req.headers) add_header(name + ": " + value);
    if (req.method != "GET") {
        add_header("Content-Type: " + req.content_type);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
        if (req.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        throw Error(ErrorCode::INPUT_TOO_LARGE, url + " sends more than " + std::to_string(limits.max_bytes) + " bytes");
    if (rc != CURLE_OK) throw Error(ErrorCode::FETCH_FAILED, url + ": " + curl_easy_strerror(rc));
    HttpResponse out;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    const char* type = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) out.content_type = type;
    out.body = std::move(sink.data);
    return out;
}

class CurlClient final : public HttpClient {
public:
    HttpResponse exchange(const HttpRequest& request, const HttpLimits& limits) override { return transfer(request, limits); }
};

}  // namespace

Bytes HttpClient::get(const std::string& url, const HttpLimits& limits) {
    auto r = exchange({"GET", url, {}, {}, {}}, limits);
    if (r.status != 200) throw Error(ErrorCode::FETCH_FAILED, url + ": HTTP " + std::to_string(r.status));
    return std::move(r.body);
}

Bytes HttpClient::post(const std::string& url, ByteView body, const std::string& content_type, const HttpLimits& limits) {
    auto r = exchange({"POST", url, Bytes(body.begin(), body.end()), content_type, {}}, limits);
    if (r.status != 200) throw Error(ErrorCode::FETCH_FAILED, url + ": HTTP " + std::to_string(r.status));
    return std::move(r.body);
}

std::unique_ptr<HttpClient> make_curl_client() { return std::make_unique<CurlClient>(); }

}  // namespace tanba::net
