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

Bytes transfer(const std::string& url, const ByteView* body, const std::string& content_type, const HttpLimits& limits) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
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
    if (body) {
        headers.reset(curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str()));
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        throw Error(ErrorCode::INPUT_TOO_LARGE, url + " sends more than " + std::to_string(limits.max_bytes) + " bytes");
    if (rc != CURLE_OK) throw Error(ErrorCode::FETCH_FAILED, url + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) throw Error(ErrorCode::FETCH_FAILED, url + ": HTTP " + std::to_string(status));
    return std::move(sink.data);
}

class CurlClient final : public HttpClient {
public:
    Bytes get(const std::string& url, const HttpLimits& limits) override { return transfer(url, nullptr, "", limits); }
    Bytes post(const std::string& url, ByteView body, const std::string& content_type, const HttpLimits& limits) override {
        return transfer(url, &body, content_type, limits);
    }
};

}  // namespace

std::unique_ptr<HttpClient> make_curl_client() { return std::make_unique<CurlClient>(); }

}  // namespace tanba::net
