#include "tanba/revocation/crl_writer.hpp"

#include <openssl/x509.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "tanba/base/der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/builder.hpp"

namespace tanba::revocation {
namespace {

constexpr std::uint8_t kAki[] = {0x06, 0x03, 0x55, 0x1D, 0x23};
constexpr std::uint8_t kCrlNumber[] = {0x06, 0x03, 0x55, 0x1D, 0x14};
constexpr std::uint8_t kDeltaIndicator[] = {0x06, 0x03, 0x55, 0x1D, 0x1B};
constexpr std::uint8_t kReasonCode[] = {0x06, 0x03, 0x55, 0x1D, 0x15};
constexpr std::uint8_t kInvalidityDate[] = {0x06, 0x03, 0x55, 0x1D, 0x18};
constexpr std::uint8_t kFreshestCrl[] = {0x06, 0x03, 0x55, 0x1D, 0x2E};

Bytes integer(std::uint64_t v) {
    Bytes mag;
    for (int shift = 56; shift >= 0; shift -= 8) mag.push_back(static_cast<std::uint8_t>(v >> shift));
    return der::positive_integer(mag);
}

Bytes concat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes extension(ByteView oid, ByteView value, bool critical = false) {
    static const std::uint8_t kTrue[] = {0x01, 0x01, 0xFF};
    return der::tlv(0x30, concat({oid, critical ? ByteView(kTrue) : ByteView(), der::tlv(0x04, value)}));
}

Bytes generalized_time(TimePoint t) {
    Bytes v = der::time(t);
    if (v[0] == 0x18) return v;
    // UTCTime YYMMDDHHMMSSZ → GeneralizedTime YYYYMMDDHHMMSSZ (invalidityDate is always generalized)
    std::string s(v.begin() + 2, v.end());
    s = (std::stoi(s.substr(0, 2)) >= 50 ? "19" : "20") + s;
    return der::tlv(0x18, as_bytes(s));
}

// The AlgorithmIdentifier OpenSSL writes for this key and these options (one throwaway
// signature over an empty CRL, so token keys work the same).
Bytes signature_algorithm(const keys::Signer& signer, const keys::SignOptions& o) {
    ossl::Crl probe(X509_CRL_new());
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    ossl::check(probe && ctx && EVP_DigestSignInit(ctx.get(), &pctx, keys::digest_of(o.hash), nullptr, signer.signing_key()) == 1,
                ErrorCode::KEY_SIGN_FAILED, "initialising the CRL signature");
    if (o.padding == keys::RsaPadding::Pss) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    ossl::check(X509_CRL_sign_ctx(probe.get(), ctx.get()) > 0, ErrorCode::KEY_SIGN_FAILED, "signing the CRL probe");
    const X509_ALGOR* alg = nullptr;
    X509_CRL_get0_signature(probe.get(), nullptr, &alg);
    unsigned char* out = nullptr;
    const int n = i2d_X509_ALGOR(const_cast<X509_ALGOR*>(alg), &out);
    ossl::OpenSslBytes guard(out);
    ossl::check(n > 0, ErrorCode::CRYPTO_FAILURE, "encoding the signature algorithm");
    return Bytes(out, out + n);
}

}  // namespace

CrlWriter::CrlWriter(const x509::Certificate& issuer, const keys::Signer& signer, CrlSpec spec)
    : issuer_(issuer), signer_(signer), spec_(std::move(spec)) {}

void CrlWriter::add(ByteView serial, TimePoint revoked_at, Reason reason, std::optional<TimePoint> invalidity) {
    Bytes exts;
    if (reason != Reason::Unspecified) {
        const std::uint8_t code[] = {0x0A, 0x01, static_cast<std::uint8_t>(reason)};
        auto e = extension(kReasonCode, code);
        exts.insert(exts.end(), e.begin(), e.end());
    }
    if (invalidity) {
        auto e = extension(kInvalidityDate, generalized_time(*invalidity));
        exts.insert(exts.end(), e.begin(), e.end());
    }
    Bytes body = concat({der::positive_integer(serial), der::time(revoked_at)});
    if (!exts.empty()) {
        auto seq = der::tlv(0x30, exts);
        body.insert(body.end(), seq.begin(), seq.end());
    }
    der::append_tlv(entries_, 0x30, body);
    ++count_;
}

Bytes CrlWriter::finish() {
    const Bytes alg = signature_algorithm(signer_, spec_.algorithm);
    unsigned char* name = nullptr;
    const int name_len = i2d_X509_NAME(X509_get_subject_name(issuer_.get()), &name);
    ossl::OpenSslBytes name_guard(name);
    ossl::check(name_len > 0, ErrorCode::CRYPTO_FAILURE, "encoding the issuer name");
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer_.get());
    const Bytes key_id = ski ? Bytes(ski->data, ski->data + ski->length) : x509::key_identifier(issuer_);
    Bytes exts = extension(kAki, der::tlv(0x30, der::tlv(0x80, key_id)));
    auto number = extension(kCrlNumber, integer(spec_.number));
    exts.insert(exts.end(), number.begin(), number.end());
    if (spec_.delta_base) {
        auto delta = extension(kDeltaIndicator, integer(*spec_.delta_base), true);
        exts.insert(exts.end(), delta.begin(), delta.end());
    }
    if (!spec_.freshest_url.empty()) {  // SEQUENCE OF DistributionPoint { [0] { [0] fullName { [6] URI } } }
        auto point = der::tlv(0x30, der::tlv(0xA0, der::tlv(0xA0, der::tlv(0x86, as_bytes(spec_.freshest_url)))));
        auto fresh = extension(kFreshestCrl, der::tlv(0x30, point));
        exts.insert(exts.end(), fresh.begin(), fresh.end());
    }
    Bytes tbs_body = concat({integer(1), alg, ByteView(name, static_cast<std::size_t>(name_len)), der::time(spec_.this_update),
                             der::time(spec_.next_update)});
    if (count_ > 0) der::append_tlv(tbs_body, 0x30, entries_);
    Bytes().swap(entries_);
    der::append_tlv(tbs_body, 0xA0, der::tlv(0x30, exts));
    Bytes tbs = der::tlv(0x30, tbs_body);
    Bytes().swap(tbs_body);
    Bytes sig{0x00};
    const Bytes raw = signer_.sign(tbs, spec_.algorithm);
    sig.insert(sig.end(), raw.begin(), raw.end());
    Bytes body = std::move(tbs);
    body.insert(body.end(), alg.begin(), alg.end());
    der::append_tlv(body, 0x03, sig);
    return der::tlv(0x30, body);
}

}  // namespace tanba::revocation
