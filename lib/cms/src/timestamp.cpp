// CAdES-T on the verifying side: the signature-time-stamp of a SignerInfo.
#include "timestamp.hpp"

#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "signed_data.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms::detail {
namespace {

using validation::FindingCode;
using validation::Severity;

constexpr const char* kTimeStampingEku = "1.3.6.1.5.5.7.3.8";

}  // namespace

std::optional<TimestampReport> check_timestamp(CMS_SignerInfo* si, const validation::Validator& validator,
                                               const VerifyOptions& o, validation::ValidationReport& signer) {
    const int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (index < 0 || o.nesting > 0) return std::nullopt;
    TimestampReport ts;
    ts.report.validation_time = o.validation.at;
    auto invalid = [&](const std::string& why) {
        ts.report.add(FindingCode::TIMESTAMP_INVALID, Severity::Error, why, 0);
        ts.report.conclude();
        signer.add(FindingCode::TIMESTAMP_INVALID, Severity::Error, why, 0);
        ossl::clear_errors();
        return ts;
    };
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, index), 0);
    if (!value || value->type != V_ASN1_SEQUENCE) return invalid("the attribute holds no token");
    const ByteView token(value->value.sequence->data, static_cast<std::size_t>(value->value.sequence->length));

    // The TSTInfo: time, policy, and the imprint, which must be over this signature value.
    const unsigned char* p = token.data();
    ossl::Pkcs7 p7(d2i_PKCS7(nullptr, &p, static_cast<long>(token.size())));
    ossl::TsTstInfo info(p7 ? PKCS7_to_TS_TST_INFO(p7.get()) : nullptr);
    if (!info) return invalid("not an RFC 3161 token (SignedData of a TSTInfo)");
    try {
        ts.time = ossl::to_time_point(TS_TST_INFO_get_time(info.get()));
    } catch (const Error&) {
        return invalid("unreadable genTime");
    }
    ts.policy = ossl::oid_text(TS_TST_INFO_get_policy_id(info.get()));
    TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
    const EVP_MD* md = EVP_get_digestbyobj(TS_MSG_IMPRINT_get_algo(imprint)->algorithm);
    const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
    const ASN1_OCTET_STRING* hashed = TS_MSG_IMPRINT_get_msg(imprint);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const bool imprint_ok = md && EVP_Digest(signature->data, static_cast<std::size_t>(signature->length), digest, &n, md, nullptr) == 1 &&
                            static_cast<int>(n) == hashed->length && std::equal(digest, digest + n, hashed->data);
    ossl::clear_errors();
    if (!imprint_ok) {
        ts.report.add(FindingCode::TIMESTAMP_IMPRINT_MISMATCH, Severity::Error, {}, 0);
        signer.add(FindingCode::TIMESTAMP_IMPRINT_MISMATCH, Severity::Error, {}, 0);
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
    // RFC 3161 §2.3: the TSA's certificate has exactly the timeStamping EKU, marked critical.
    if (ts.tsa && X509_check_purpose(ts.tsa->get(), X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1)
        ts.report.add(FindingCode::TIMESTAMP_UNTRUSTED, Severity::Error, "the TSA certificate's EKU is not timeStamping alone, critical", 0);
    ossl::clear_errors();
    ts.report.conclude();
    if (ts.report.indication == validation::Indication::Invalid && imprint_ok)
        signer.add(FindingCode::TIMESTAMP_INVALID, Severity::Error, std::string(validation::to_string(ts.report.sub_indication)), 0);
    else if (ts.report.indication == validation::Indication::Indeterminate)
        signer.add(FindingCode::TIMESTAMP_UNTRUSTED, Severity::Error, std::string(validation::to_string(ts.report.sub_indication)), 0);
    ts.valid = ts.report.indication == validation::Indication::Valid;
    return ts;
}

}  // namespace tanba::cms::detail
