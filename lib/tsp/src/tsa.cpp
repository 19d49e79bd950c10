// RFC 3161, the authority's side: requests checked, TSTInfo written as DER and signed as a
// CMS SignedData through the TSA's Signer (lib/cms).
#include "tanba/tsp/tsa.hpp"

#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "tanba/base/der.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::tsp {
namespace {

constexpr std::size_t kMaxRequest = 16 * 1024;
constexpr const char* kIdCtTstInfo = "1.2.840.113549.1.9.16.1.4";

// PKIFailureInfo bits (RFC 3161 §2.4.2).
enum class Failure { BadAlg = 0, BadRequest = 2, BadDataFormat = 5, UnacceptedPolicy = 15, UnacceptedExtension = 16 };

// TimeStampResp with PKIStatus rejection (2), a statusString and the failure bit.
Bytes rejection(Failure why, std::string_view text) {
    const auto bit = static_cast<unsigned>(why);
    Bytes bits(bit / 8 + 2, 0);
    bits[0] = static_cast<std::uint8_t>(7 - bit % 8);  // unused bits: a named bit string ends at its last one
    bits[1 + bit / 8] = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    Bytes info = der::tlv(0x02, Bytes{2});
    der::append_tlv(info, 0x30, der::tlv(0x0C, as_bytes(text)));
    der::append_tlv(info, 0x03, bits);
    return der::tlv(0x30, der::tlv(0x30, info));
}

// Serial: nanoseconds since the epoch (big-endian, 8 bytes) then 64 random bits.
Bytes new_serial() {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    Bytes v(16);
    for (int i = 0; i < 8; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(ns) >> (56 - 8 * i));
    ossl::random_bytes(std::span(v).subspan(8));
    return v;
}

// Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, ... }
Bytes accuracy(std::chrono::milliseconds a) {
    const auto secs = static_cast<std::uint64_t>(a.count() / 1000), millis = static_cast<std::uint64_t>(a.count() % 1000);
    auto magnitude = [](std::uint64_t v) {
        Bytes b;
        for (; v; v >>= 8) b.insert(b.begin(), static_cast<std::uint8_t>(v & 0xFF));
        return b;
    };
    Bytes body;
    if (secs) {
        const Bytes s = der::positive_integer(magnitude(secs));
        body.insert(body.end(), s.begin(), s.end());
    }
    if (millis) {
        Bytes m = der::positive_integer(magnitude(millis));
        m[0] = 0x80;  // [0] IMPLICIT INTEGER
        body.insert(body.end(), m.begin(), m.end());
    }
    return body.empty() ? Bytes{} : der::tlv(0x30, body);
}

}  // namespace

Authority::Authority(x509::Certificate cert, const keys::Signer& key, const Clock& clock, AuthorityOptions options)
    : cert_(std::move(cert)), key_(key), clock_(clock), options_(std::move(options)) {
    // RFC 3161 §2.3: only a certificate whose sole, critical EKU is timeStamping may sign.
    const bool ok = X509_check_purpose(cert_.get(), X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1;
    ossl::clear_errors();
    if (!ok) throw Error(ErrorCode::INVALID_ARGUMENT, cert_.subject_text() + " is not a TSA certificate (critical timeStamping EKU)");
    x509::require_key_of(key_, cert_);
    policy_der_ = ossl::encode(ossl::oid_from_text(options_.policy).get(), i2d_ASN1_OBJECT, "the TSA policy");
}

TsaAnswer Authority::respond(ByteView request) const {
    ossl::clear_errors();
    const unsigned char* p = request.data();
    ossl::TsReq req(request.size() <= kMaxRequest ? d2i_TS_REQ(nullptr, &p, static_cast<long>(request.size())) : nullptr);
    ossl::clear_errors();
    if (!req || p != request.data() + request.size())
        return {TsaOutcome::Malformed, rejection(Failure::BadDataFormat, "Bad request format or system error.")};
    auto reject = [](Failure why, std::string_view text) { return TsaAnswer{TsaOutcome::Rejected, rejection(why, text)}; };
    if (TS_REQ_get_version(req.get()) != 1) return reject(Failure::BadDataFormat, "Bad request version.");
    TS_MSG_IMPRINT* imprint = TS_REQ_get_msg_imprint(req.get());
    const X509_ALGOR* alg = TS_MSG_IMPRINT_get_algo(imprint);
    const ASN1_OBJECT* alg_oid = nullptr;
    int param_type = V_ASN1_UNDEF;
    X509_ALGOR_get0(&alg_oid, &param_type, nullptr, alg);
    const int md = OBJ_obj2nid(alg_oid);
    if ((md != NID_sha256 && md != NID_sha384 && md != NID_sha512) || (param_type != V_ASN1_UNDEF && param_type != V_ASN1_NULL))
        return reject(Failure::BadAlg, "Message digest algorithm is not supported.");
    if (ASN1_STRING_length(TS_MSG_IMPRINT_get_msg(imprint)) != EVP_MD_get_size(EVP_get_digestbynid(md)))
        return reject(Failure::BadDataFormat, "Bad message imprint.");
    if (const ASN1_OBJECT* asked = TS_REQ_get_policy_id(req.get());
        asked && ossl::encode(asked, i2d_ASN1_OBJECT, "the requested policy") != policy_der_)
        return reject(Failure::UnacceptedPolicy, "Requested policy is not supported.");
    if (TS_REQ_get_ext_count(req.get()) > 0) return reject(Failure::UnacceptedExtension, "Unsupported extension.");

    // TSTInfo (RFC 3161 §2.4.2): version, policy, messageImprint, serialNumber, genTime,
    // accuracy, nonce.
    const TimePoint now = clock_.now();
    Bytes tst = der::tlv(0x02, Bytes{1});
    tst.insert(tst.end(), policy_der_.begin(), policy_der_.end());
    const Bytes imprint_der = ossl::encode(imprint, i2d_TS_MSG_IMPRINT, "the message imprint");
    tst.insert(tst.end(), imprint_der.begin(), imprint_der.end());
    const Bytes serial = der::positive_integer(new_serial());
    tst.insert(tst.end(), serial.begin(), serial.end());
    const Bytes gen_time = der::generalized_time(now);
    tst.insert(tst.end(), gen_time.begin(), gen_time.end());
    const Bytes acc = accuracy(options_.accuracy);
    tst.insert(tst.end(), acc.begin(), acc.end());
    if (const ASN1_INTEGER* nonce = TS_REQ_get_nonce(req.get())) {
        const Bytes n = ossl::encode(nonce, i2d_ASN1_INTEGER, "the nonce");
        tst.insert(tst.end(), n.begin(), n.end());
    }
    cms::SignOptions so;
    so.algorithm = keys::default_sign_options(key_.spec().algorithm);
    so.signing_time = now;
    so.content_type = kIdCtTstInfo;
    so.chain = options_.chain;
    so.certificates = TS_REQ_get_cert_req(req.get()) ? cms::Certificates::SignerAndChain : cms::Certificates::None;
    const Bytes token = cms::sign(der::tlv(0x30, tst), key_, cert_, so);
    Bytes body = der::tlv(0x30, der::tlv(0x02, Bytes{0}));  // PKIStatusInfo { granted }
    body.insert(body.end(), token.begin(), token.end());
    return {TsaOutcome::Granted, der::tlv(0x30, body)};
}

}  // namespace tanba::tsp
