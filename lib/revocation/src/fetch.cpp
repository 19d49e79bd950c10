#include "tanba/revocation/fetch.hpp"

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::revocation {
namespace {

std::string uri_of(const GENERAL_NAME* g) {
    if (g->type != GEN_URI) return {};
    const auto* s = g->d.uniformResourceIdentifier;
    std::string u(reinterpret_cast<const char*>(s->data), static_cast<std::size_t>(s->length));
    return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0 ? u : std::string{};
}

}  // namespace

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

Bytes ocsp_request(const x509::Certificate& cert, const x509::Certificate& issuer) {
    ossl::clear_errors();
    ossl::OcspRequest req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());
    if (!req || !id || !OCSP_request_add0_id(req.get(), id)) {
        if (!req) OCSP_CERTID_free(id);
        ossl::check(false, ErrorCode::CRYPTO_FAILURE, "building the OCSP request");
    }
    return ossl::encode(req.get(), i2d_OCSP_REQUEST, "the OCSP request");
}

OcspResponse fetch_ocsp(const x509::Certificate& cert, const x509::Certificate& issuer, const std::string& url,
                        net::HttpClient& http, const net::HttpLimits& limits) {
    ossl::clear_errors();
    ossl::OcspRequest req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());
    ossl::check(req && id && OCSP_request_add0_id(req.get(), id) && OCSP_request_add1_nonce(req.get(), nullptr, -1) == 1,
                ErrorCode::CRYPTO_FAILURE, "building the OCSP request");
    unsigned char* der = nullptr;
    const int len = i2d_OCSP_REQUEST(req.get(), &der);
    ossl::OpenSslBytes guard(der);
    ossl::check(len > 0, ErrorCode::CRYPTO_FAILURE, "encoding the OCSP request");
    auto resp = OcspResponse::from_der(http.post(url, ByteView(der, static_cast<std::size_t>(len)), "application/ocsp-request", limits));
    if (!resp.successful()) throw Error(ErrorCode::FETCH_FAILED, url + ": OCSP responseStatus " + std::to_string(resp.response_status()));
    const unsigned char* p = resp.der().data();
    ossl::OcspResponse parsed(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp.der().size())));
    ossl::OcspBasic basic(parsed ? OCSP_response_get1_basic(parsed.get()) : nullptr);
    if (!basic || OCSP_check_nonce(req.get(), basic.get()) != 1)
        throw Error(ErrorCode::OCSP_NONCE_MISMATCH, url);
    return resp;
}

}  // namespace tanba::revocation
