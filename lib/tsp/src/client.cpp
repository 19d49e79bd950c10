// RFC 3161, the requester's side: requests, tokens out of responses, one round trip.
#include <openssl/ts.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/net/http_client.hpp"
#include "tanba/tsp/tsa.hpp"

namespace tanba::tsp {

Bytes make_request(ByteView data, Bytes& nonce) {
    ossl::clear_errors();
    const Bytes digest = ossl::sha256(data);
    nonce.resize(16);
    ossl::random_bytes(nonce);
    nonce[0] &= 0x7F;
    ossl::TsReq req(TS_REQ_new());
    ossl::TsMsgImprint imprint(TS_MSG_IMPRINT_new());
    ossl::Algor alg(X509_ALGOR_new());
    X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
    TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get());  // both setters copy
    TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(digest.data()), static_cast<int>(digest.size()));
    TS_REQ_set_version(req.get(), 1);
    TS_REQ_set_msg_imprint(req.get(), imprint.get());
    auto n = ossl::integer_from_bytes(nonce);
    TS_REQ_set_nonce(req.get(), n.get());
    TS_REQ_set_cert_req(req.get(), 1);
    return ossl::encode(req.get(), i2d_TS_REQ, "the time-stamp request");
}

Bytes token_from_response(ByteView response, ByteView request) {
    ossl::clear_errors();
    const unsigned char* p = response.data();
    ossl::TsResp resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(response.size())));
    const unsigned char* q = request.data();
    ossl::TsReq req(d2i_TS_REQ(nullptr, &q, static_cast<long>(request.size())));
    if (!resp || !req) throw ossl::error(ErrorCode::TSP_DECODE_FAILED, "time-stamp response");
    const long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get())));
    if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS)
        throw Error(ErrorCode::TSP_REJECTED, "PKIStatus " + std::to_string(status));
    // Imprint and nonce must be ours (the signature is the verifier's business).
    ossl::TsVerifyCtx vctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
    TS_VERIFY_CTX_set_flags(vctx.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
    if (TS_RESP_verify_response(vctx.get(), resp.get()) != 1) {
        ossl::clear_errors();
        throw Error(ErrorCode::TSP_MISMATCH, "imprint or nonce");
    }
    return ossl::encode(TS_RESP_get_token(resp.get()), i2d_PKCS7, "the token");
}

Bytes token_of(ByteView data) {
    const unsigned char* p = data.data();
    ossl::TsResp resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(data.size())));
    ossl::clear_errors();
    if (!resp || p != data.data() + data.size()) return Bytes(data.begin(), data.end());
    const PKCS7* token = TS_RESP_get_token(resp.get());
    if (!token) throw Error(ErrorCode::TSP_REJECTED, "the time-stamp response carries no token");
    return ossl::encode(token, i2d_PKCS7, "the token");
}

Bytes request_token(net::HttpClient& http, const std::string& url, ByteView data) {
    Bytes nonce;
    const Bytes request = make_request(data, nonce);
    return token_from_response(http.post(url, request, "application/timestamp-query", {}), request);
}

}  // namespace tanba::tsp
