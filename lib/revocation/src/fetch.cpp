#include "tanba/revocation/fetch.hpp"

#include <curl/curl.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <memory>
#include <mutex>

#include "tanba/ossl/errors.hpp"

namespace tanba::revocation {
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

Bytes transfer(const std::string& url, const ByteView* body, const std::string& content_type, const FetchLimits& limits) {
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

std::string uri_of(const GENERAL_NAME* g) {
    if (g->type != GEN_URI) return {};
    const auto* s = g->d.uniformResourceIdentifier;
    std::string u(reinterpret_cast<const char*>(s->data), static_cast<std::size_t>(s->length));
    return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0 ? u : std::string{};
}

}  // namespace

Bytes http_get(const std::string& url, const FetchLimits& limits) { return transfer(url, nullptr, "", limits); }

Bytes http_post(const std::string& url, ByteView body, const std::string& content_type, const FetchLimits& limits) {
    return transfer(url, &body, content_type, limits);
}

std::vector<std::string> crl_urls(const x509::Certificate& cert) {
    std::vector<std::string> out;
    ossl::CrlDistPoints dps(static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, nullptr, nullptr)));
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps.get()); ++i) {
        const DIST_POINT* dp = sk_DIST_POINT_value(dps.get(), i);
        if (!dp->distpoint || dp->distpoint->type != 0) continue;
        for (int j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); ++j)
            if (auto u = uri_of(sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j)); !u.empty()) out.push_back(u);
    }
    ossl::clear_errors();
    return out;
}

std::vector<std::string> ocsp_urls(const x509::Certificate& cert) {
    std::vector<std::string> out;
    ossl::AuthorityInfoAccess aia(static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert.get(), NID_info_access, nullptr, nullptr)));
    for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
        const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
        if (OBJ_obj2nid(ad->method) == NID_ad_OCSP)
            if (auto u = uri_of(ad->location); !u.empty()) out.push_back(u);
    }
    ossl::clear_errors();
    return out;
}

OcspResponse fetch_ocsp(const x509::Certificate& cert, const x509::Certificate& issuer, const std::string& url,
                        const FetchLimits& limits) {
    ossl::clear_errors();
    ossl::OcspRequest req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());
    ossl::check(req && id && OCSP_request_add0_id(req.get(), id) && OCSP_request_add1_nonce(req.get(), nullptr, -1) == 1,
                ErrorCode::CRYPTO_FAILURE, "building the OCSP request");
    unsigned char* der = nullptr;
    const int len = i2d_OCSP_REQUEST(req.get(), &der);
    ossl::OpenSslBytes guard(der);
    ossl::check(len > 0, ErrorCode::CRYPTO_FAILURE, "encoding the OCSP request");
    auto resp = OcspResponse::from_der(http_post(url, ByteView(der, static_cast<std::size_t>(len)), "application/ocsp-request", limits));
    if (!resp.successful()) throw Error(ErrorCode::FETCH_FAILED, url + ": OCSP responseStatus " + std::to_string(resp.response_status()));
    const unsigned char* p = resp.der().data();
    ossl::OcspResponse parsed(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp.der().size())));
    ossl::OcspBasic basic(parsed ? OCSP_response_get1_basic(parsed.get()) : nullptr);
    if (!basic || OCSP_check_nonce(req.get(), basic.get()) != 1)
        throw Error(ErrorCode::OCSP_NONCE_MISMATCH, url);
    return resp;
}

}  // namespace tanba::revocation
