// CAdES-T on the verifying side: the signature-time-stamp of a SignerInfo.
#include "timestamp.hpp"

#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "signed_data.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms {
namespace detail {
namespace {

using validation::FindingCode;
using validation::Severity;

constexpr const char* kTimeStampingEku = "1.3.6.1.5.5.7.3.8";

// The token checked on its own: TSTInfo readable, imprint over `subject`, nonce when asked,
// the token's signature, the TSA's path with the critical timeStamping EKU. `imprint_ok` says
// whether the imprint matched (false also when the token could not be read).
TimestampReport verify_token(ByteView token, const TimestampSubject& subject, const validation::Validator& validator,
                             const VerifyOptions& o, bool& imprint_ok) {
    TimestampReport ts;
    ts.report.validation_time = *o.validation.at;
    imprint_ok = false;
    auto invalid = [&](const std::string& why, FindingCode code = FindingCode::TIMESTAMP_INVALID) {
        ts.report.add(code, Severity::Error, why, 0);
        ts.report.conclude();
        ossl::clear_errors();
        return ts;
    };
    // The TSTInfo: time, policy, and the imprint, which must be over the subject.
    const unsigned char* p = token.data();
    ossl::Pkcs7 p7(d2i_PKCS7(nullptr, &p, static_cast<long>(token.size())));
    ossl::TsTstInfo info(p7 ? PKCS7_to_TS_TST_INFO(p7.get()) : nullptr);
    if (!info) return invalid("not an RFC 3161 token (SignedData of a TSTInfo)", FindingCode::TIMESTAMP_MALFORMED);
    try {
        ts.time = ossl::to_time_point(TS_TST_INFO_get_time(info.get()));
    } catch (const Error&) {
        return invalid("unreadable genTime", FindingCode::TIMESTAMP_MALFORMED);
    }
    ts.policy = ossl::oid_text(TS_TST_INFO_get_policy_id(info.get()));
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
    const EVP_MD* md = EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(imprint)->algorithm);
    const ASN1_OCTET_STRING* hashed = TS_MSG_IMPRINT_get_msg(imprint);
    Bytes digest;
    if (subject.digest) {
        digest = *subject.digest;
    } else if (md) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (EVP_Digest(subject.data.data(), subject.data.size(), out, &n, md, nullptr) == 1) digest.assign(out, out + n);
    }
    imprint_ok = md && !digest.empty() && static_cast<int>(digest.size()) == hashed->length &&
                 std::equal(digest.begin(), digest.end(), hashed->data);
    ossl::clear_errors();
    if (!imprint_ok) ts.report.add(FindingCode::TIMESTAMP_IMPRINT_MISMATCH, Severity::Error, {}, 0);
    if (subject.nonce) {
        const ASN1_INTEGER* nonce = TS_TST_INFO_get_nonce(info.get());
        if (!nonce || ossl::integer_bytes(nonce) != *subject.nonce)
            ts.report.add(FindingCode::TIMESTAMP_INVALID, Severity::Error, "the nonce is not the one asked for", 0);
    }

    // The token is a CMS signature itself: its signer must be a TSA valid for time-stamping.
    VerifyOptions token_options = o;
    token_options.nesting = o.nesting + 1;
    token_options.allow_plain_cms = false;
    token_options.validation.purpose = validation::Purpose::Any;
    token_options.validation.eku = kTimeStampingEku;
    const SignatureReport token_report = verify(token, std::nullopt, validator, token_options);
    ts.report.findings.insert(ts.report.findings.end(), token_report.findings.begin(), token_report.findings.end());
    if (token_report.signers.size() != 1) return invalid("a token has exactly one signer");
    const SignerReport& tsa = token_report.signers.front();
    ts.tsa = tsa.certificate;
    ts.report.findings.insert(ts.report.findings.end(), tsa.report.findings.begin(), tsa.report.findings.end());
    ts.report.chain = tsa.report.chain;
    ts.report.revocation_policy = tsa.report.revocation_policy;
    // RFC 3161 §2.3: the TSA's certificate has exactly the timeStamping EKU, marked critical.
    if (ts.tsa && X509_check_purpose(ts.tsa->get(), X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1)
        ts.report.add(FindingCode::TIMESTAMP_UNTRUSTED, Severity::Error, "the TSA certificate's EKU is not timeStamping alone, critical", 0);
    ossl::clear_errors();
    ts.report.conclude();
    ts.valid = ts.report.indication == validation::Indication::Valid;
    return ts;
}

}  // namespace

std::optional<TimestampReport> check_timestamp(CMS_SignerInfo* si, const validation::Validator& validator,
                                               const VerifyOptions& o, validation::ValidationReport& signer) {
    if (o.nesting > 0) return std::nullopt;
    const int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (index < 0) {
        if (o.level == SignatureLevel::T) signer.add(FindingCode::TIMESTAMP_REQUIRED, Severity::Error, {}, 0);
        return std::nullopt;
    }
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, index), 0);
    ByteView token;
    if (value && value->type == V_ASN1_SEQUENCE)
        token = ByteView(value->value.sequence->data, static_cast<std::size_t>(value->value.sequence->length));
    // The signature-time-stamp is over this signer's signature value.
    const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
    TimestampSubject subject;
    subject.data = ByteView(signature->data, static_cast<std::size_t>(signature->length));
    bool imprint_ok = false;
    TimestampReport ts = verify_token(token, subject, validator, o, imprint_ok);
    if (ts.valid) return ts;
    // Unsigned attributes are not protected: a bad time-stamp proves nothing either way. At
    // level B the signature stands on its own (a warning says why); at T it cannot.
    const Severity severity = o.level == SignatureLevel::T ? Severity::Error : Severity::Warning;
    if (!ts.time) signer.add(FindingCode::TIMESTAMP_MALFORMED, severity, ts.report.findings.back().message, 0);
    else if (!imprint_ok) signer.add(FindingCode::TIMESTAMP_IMPRINT_MISMATCH, severity, {}, 0);
    else if (ts.report.indication == validation::Indication::Invalid)
        signer.add(FindingCode::TIMESTAMP_INVALID, severity, std::string(validation::to_string(ts.report.sub_indication)), 0);
    else signer.add(FindingCode::TIMESTAMP_UNTRUSTED, severity, std::string(validation::to_string(ts.report.sub_indication)), 0);
    return ts;
}

const VerifyOptions& with_time(const VerifyOptions& options, std::optional<VerifyOptions>& storage) {
    if (options.validation.at) return options;
    storage.emplace(options).validation.at = SystemClock().now();
    return *storage;
}

}  // namespace detail

TimestampReport verify_timestamp(ByteView token, const TimestampSubject& subject, const validation::Validator& validator,
                                 const VerifyOptions& options) {
    bool imprint_ok = false;
    std::optional<VerifyOptions> timed;
    return detail::verify_token(token, subject, validator, detail::with_time(options, timed), imprint_ok);
}

bool is_timestamp_token(ByteView data) {
    const unsigned char* p = data.data();
    ossl::Pkcs7 p7(d2i_PKCS7(nullptr, &p, static_cast<long>(data.size())));
    ossl::TsTstInfo info(p7 ? PKCS7_to_TS_TST_INFO(p7.get()) : nullptr);
    ossl::clear_errors();
    return info != nullptr;
}

}  // namespace tanba::cms
