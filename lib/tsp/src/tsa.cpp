#include "tanba/tsp/tsa.hpp"

#include <openssl/ts.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/revocation/fetch.hpp"

namespace tanba::tsp {
namespace {

constexpr std::size_t kMaxRequest = 16 * 1024;

struct CallbackData {
    const Clock* clock;
};

// Serial: nanoseconds since the epoch (big-endian, 8 bytes) then 64 random bits.
ASN1_INTEGER* serial_cb(TS_RESP_CTX*, void*) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::uint8_t v[16];
    for (int i = 0; i < 8; ++i) v[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(ns) >> (56 - 8 * i));
    ossl::random_bytes(std::span<std::uint8_t>(v + 8, 8));
    return ossl::integer_from_bytes(ByteView(v, sizeof v)).release();
}

int time_cb(TS_RESP_CTX*, void* data, long* sec, long* usec) {
    const auto now = static_cast<CallbackData*>(data)->clock->now();
    *sec = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    *usec = 0;
    return 1;
}

Bytes der_of(TS_RESP* r) { return ossl::encode(r, i2d_TS_RESP, "the time-stamp response"); }

}  // namespace

Authority::Authority(x509::Certificate cert, const keys::Signer& key, const Clock& clock, AuthorityOptions options)
    : cert_(std::move(cert)), key_(key), clock_(clock), options_(std::move(options)) {
    // RFC 3161 §2.3: only a certificate whose sole, critical EKU is timeStamping may sign.
    const bool ok = X509_check_purpose(cert_.get(), X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1;
    ossl::clear_errors();
    if (!ok) throw Error(ErrorCode::INVALID_ARGUMENT, cert_.subject_text() + " is not a TSA certificate (critical timeStamping EKU)");
    if (!keys::same_public_key(cert_.public_key(), key_.public_key()))
        throw Error(ErrorCode::KEY_MISMATCH, key_.describe() + " does not belong to " + cert_.subject_text());
}

TsaAnswer Authority::respond(ByteView request) const {
    ossl::clear_errors();
    TsaAnswer answer;
    const unsigned char* p = request.data();
    ossl::TsReq parsed(request.size() <= kMaxRequest ? d2i_TS_REQ(nullptr, &p, static_cast<long>(request.size())) : nullptr);
    const bool well_formed = parsed && p == request.data() + request.size();
    ossl::clear_errors();
    ossl::TsRespCtx ctx(TS_RESP_CTX_new());
    ossl::check(ctx && TS_RESP_CTX_set_signer_cert(ctx.get(), cert_.get()) == 1 &&
                    TS_RESP_CTX_set_signer_key(ctx.get(), key_.signing_key()) == 1,
                ErrorCode::CRYPTO_FAILURE, "TSA signer");
    ossl::Asn1Object policy = ossl::oid_from_text(options_.policy);
    TS_RESP_CTX_set_def_policy(ctx.get(), policy.get());
    for (const EVP_MD* md : {EVP_sha256(), EVP_sha384(), EVP_sha512()}) TS_RESP_CTX_add_md(ctx.get(), md);
    const auto ms = options_.accuracy.count();
    TS_RESP_CTX_set_accuracy(ctx.get(), static_cast<int>(ms / 1000), static_cast<int>(ms % 1000), 0);
    TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256());
    TS_RESP_CTX_set_signer_digest(ctx.get(), keys::digest_of(keys::default_sign_options(key_.spec().algorithm).hash));
    ossl::CertStack chain(sk_X509_new_null());
    for (const auto& c : options_.chain) sk_X509_push(chain.get(), ossl::up_ref(c.get()).release());
    TS_RESP_CTX_set_certs(ctx.get(), chain.get());
    TS_RESP_CTX_set_serial_cb(ctx.get(), serial_cb, nullptr);
    CallbackData data{&clock_};
    TS_RESP_CTX_set_time_cb(ctx.get(), time_cb, &data);
    const std::size_t n = std::min(request.size(), kMaxRequest + 1);
    ossl::Bio in(BIO_new_mem_buf(request.data(), static_cast<int>(n)));
    ossl::TsResp resp(TS_RESP_create_response(ctx.get(), in.get()));
    ossl::clear_errors();
    if (!resp) throw Error(ErrorCode::CRYPTO_FAILURE, "the time-stamp response could not be made");
    const long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get())));
    answer.outcome = !well_formed ? TsaOutcome::Malformed
                     : (status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS) ? TsaOutcome::Granted
                                                                                              : TsaOutcome::Rejected;
    answer.der = der_of(resp.get());
    return answer;
}

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

Bytes request_token(const std::string& url, ByteView data) {
    Bytes nonce;
    const Bytes request = make_request(data, nonce);
    return token_from_response(revocation::http_post(url, request, "application/timestamp-query", {}), request);
}

}  // namespace tanba::tsp
