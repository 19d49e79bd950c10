#include "tanba/cms/verify.hpp"

#include <openssl/cms.h>
#include <openssl/ess.h>

#include <algorithm>
#include <sstream>

#include "signed_data.hpp"
#include "timestamp.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/base/der.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/gost.hpp"

namespace tanba::cms {
namespace {

using validation::FindingCode;
using validation::Severity;

std::optional<TimePoint> signing_time(CMS_SignerInfo* si) {
    const ASN1_TYPE* t = detail::signed_attribute(si, NID_pkcs9_signingTime);
    if (!t || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)) return std::nullopt;
    try {
        return ossl::to_time_point(t->value.utctime);
    } catch (const Error&) {
        return std::nullopt;
    }
}

// signingCertificate(V2) must identify the signer's certificate (RFC 5035 / ETSI EN 319 122-1).
void check_signing_certificate(CMS_SignerInfo* si, const x509::Certificate& cert, validation::ValidationReport& r) {
    // Only the first ESSCertID binds the signer (RFC 5035 §5.4); the others name CA
    // certificates as hints, which need not be at hand.
    auto decode = [&](int nid, auto d2i) -> decltype(d2i(nullptr, nullptr, 0)) {
        const ASN1_TYPE* t = detail::signed_attribute(si, nid);
        if (!t || t->type != V_ASN1_SEQUENCE) return nullptr;
        const auto first = detail::first_signing_cert_only(
            ByteView(t->value.sequence->data, static_cast<std::size_t>(t->value.sequence->length)));
        if (!first) return nullptr;
        const unsigned char* p = first->data();
        return d2i(nullptr, &p, static_cast<long>(first->size()));
    };
    ossl::EssSigningCertV2 v2(decode(NID_id_smime_aa_signingCertificateV2, d2i_ESS_SIGNING_CERT_V2));
    ossl::EssSigningCert v1(decode(NID_id_smime_aa_signingCertificate, d2i_ESS_SIGNING_CERT));
    const bool present = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0 ||
                         CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) >= 0;
    if (!present) {
        r.add(FindingCode::SIGNING_CERTIFICATE_ABSENT, Severity::Warning, {}, 0);
        return;
    }
    ossl::CertStack chain(sk_X509_new_null());
    sk_X509_push(chain.get(), ossl::up_ref(cert.get()).release());
    if ((!v1 && !v2) || OSSL_ESS_check_signing_certs(v1.get(), v2.get(), chain.get(), 1) != 1)
        r.add(FindingCode::SIGNING_CERTIFICATE_MISMATCH, Severity::Error, {}, 0);
    ossl::clear_errors();
}

bool octets_equal(const ASN1_OCTET_STRING* s, const Bytes& b) {
    return s && static_cast<std::size_t>(s->length) == b.size() && std::equal(b.begin(), b.end(), s->data);
}

// A GOST SignerInfo's algorithm: its signatureAlgorithm, or (Kalkan names the key there) its digest's.
std::optional<gost::Algorithm> gost_signer_algorithm(CMS_SignerInfo* si) {
    X509_ALGOR *digest = nullptr, *signature = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest, &signature);
    const ASN1_OBJECT *d = nullptr, *s = nullptr;
    X509_ALGOR_get0(&d, nullptr, nullptr, digest);
    X509_ALGOR_get0(&s, nullptr, nullptr, signature);
    return gost::signer_algorithm(ossl::oid_text(s), ossl::oid_text(d));
}

// The signed attributes as they were signed: SET OF Attribute, in the order they came.
Bytes signed_attributes_der(CMS_SignerInfo* si) {
    Bytes set;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
        const auto one = ossl::encode(CMS_signed_get_attr(si, i), i2d_X509_ATTRIBUTE, "signed attribute");
        set.insert(set.end(), one.begin(), one.end());
    }
    return der::tlv(0x31, set);
}

// The signer's GOST signature over `data`; the byte order that matched is noted in the report.
bool gost_signature_valid(gost::Algorithm a, ByteView data, CMS_SignerInfo* si, const x509::Certificate& cert, validation::ValidationReport& r) {
    const ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
    const auto check = x509::check_gost_signature(a, data, ByteView(ASN1_STRING_get0_data(sig), static_cast<std::size_t>(ASN1_STRING_length(sig))), cert.get());
    if (check.verdict == x509::GostVerdict::Valid) r.add(FindingCode::GOST_SIGNATURE_ORDER, Severity::Info, check.detail, 0);
    return check.verdict == x509::GostVerdict::Valid;
}

/// The signature-level checks of one SignerInfo; the certificate's path is validated after.
void check_signer(CMS_ContentInfo* cms, CMS_SignerInfo* si, long version, const detail::Content& content,
                  const x509::Certificate& cert, const VerifyOptions& o, validation::ValidationReport& r) {
    ASN1_OCTET_STRING* keyid = nullptr;
    X509_NAME* issuer = nullptr;
    ASN1_INTEGER* serial = nullptr;
    CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial);
    if ((keyid && version != 3) || (!keyid && version != 1))
        r.add(FindingCode::SIGNER_INFO_INCONSISTENT, Severity::Error, "version " + std::to_string(version), 0);

    std::optional<gost::Algorithm> gost_algorithm;  // a GOST signer: checked through lib/gost
    if (!cert.public_key()) {
        if (x509::has_gost_key(cert.get())) gost_algorithm = gost_signer_algorithm(si);
        if (!gost_algorithm) {
            r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, "the signer's public key or signature algorithm", 0);
            return;
        }
    }
    const bool has_attributes = CMS_signed_get_attr_count(si) > 0;
    if (!content.present()) {
        r.add(FindingCode::CONTENT_MISSING, Severity::Error, {}, 0);
    }
    if (!has_attributes) {
        if (!o.allow_plain_cms) r.add(FindingCode::SIGNED_ATTRIBUTES_MISSING, Severity::Error, {}, 0);
        if (content.digests && !content.bytes)
            r.add(FindingCode::CONTENT_MISSING, Severity::Error, "a signer without signed attributes signs the content itself: give it in memory", 0);
        if (content.bytes && gost_algorithm) {
            if (!gost_signature_valid(*gost_algorithm, *content.bytes, si, cert, r))
                r.add(FindingCode::SIGNATURE_INVALID, Severity::Error, "signature over the content", 0);
        } else if (content.bytes) {  // the signature is over the content itself
            CMS_SignerInfo_set1_signer_cert(si, cert.get());
            ossl::Bio data(BIO_new_mem_buf(content.bytes->data(), static_cast<int>(content.bytes->size())));
            BIO* chain = CMS_dataInit(cms, data.get());
            bool ok = false;
            if (chain) {
                char buf[4096];
                while (BIO_read(chain, buf, sizeof buf) > 0) {
                }
                ok = CMS_SignerInfo_verify_content(si, chain) == 1;
                while (chain && chain != data.get()) {
                    BIO* next = BIO_pop(chain);
                    ossl::Bio popped(chain);  // one BIO, no longer chained
                    chain = next;
                }
            }
            if (!ok) r.add(FindingCode::SIGNATURE_INVALID, Severity::Error, "signature over the content", 0);
        }
        ossl::clear_errors();
        return;
    }
    // Signature over the signed attributes.
    CMS_SignerInfo_set1_signer_cert(si, cert.get());
    if (gost_algorithm) {
        if (!gost_signature_valid(*gost_algorithm, signed_attributes_der(si), si, cert, r))
            r.add(FindingCode::SIGNATURE_INVALID, Severity::Error, "signature over the signed attributes", 0);
    } else if (CMS_SignerInfo_verify(si) != 1) {
        X509_ALGOR* dig = nullptr;
        CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, nullptr);
        const ASN1_OBJECT* oid = nullptr;
        X509_ALGOR_get0(&oid, nullptr, nullptr, dig);
        if (!EVP_get_digestbyobj(oid)) r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, "digest " + ossl::oid_text(oid), 0);
        else r.add(FindingCode::SIGNATURE_INVALID, Severity::Error, "signature over the signed attributes", 0);
    }
    ossl::clear_errors();
    // contentType must be present and equal the encapsulated content type.
    const ASN1_TYPE* ct = detail::signed_attribute(si, NID_pkcs9_contentType);
    if (!ct || ct->type != V_ASN1_OBJECT || OBJ_cmp(ct->value.object, CMS_get0_eContentType(cms)) != 0)
        r.add(FindingCode::CONTENT_TYPE_MISMATCH, Severity::Error, {}, 0);
    // messageDigest over the content.
    if (content.present()) {
        const ASN1_TYPE* md = detail::signed_attribute(si, NID_pkcs9_messageDigest);
        auto digest = detail::content_digest(si, content);
        if (!digest) r.add(FindingCode::ALGORITHM_UNSUPPORTED, Severity::Error, "content digest", 0);
        else if (!md || md->type != V_ASN1_OCTET_STRING || !octets_equal(md->value.octet_string, *digest))
            r.add(FindingCode::MESSAGE_DIGEST_MISMATCH, Severity::Error, {}, 0);
    }
    check_signing_certificate(si, cert, r);
}

std::optional<x509::Certificate> find_signer(CMS_SignerInfo* si, const std::vector<x509::Certificate>& candidates) {
    for (const auto& c : candidates)
        if (CMS_SignerInfo_cert_cmp(si, c.get()) == 0) return c;
    return std::nullopt;
}

void conclude(SignatureReport& out) {
    validation::ValidationReport whole;
    whole.findings = out.findings;
    whole.conclude();
    out.indication = whole.indication;
    out.sub_indication = whole.sub_indication;
    if (out.indication != validation::Indication::Valid) return;
    // Otherwise the worst signer decides: INVALID over INDETERMINATE over VALID.
    for (const auto& s : out.signers) {
        if (s.report.indication == validation::Indication::Invalid ||
            (s.report.indication == validation::Indication::Indeterminate && out.indication == validation::Indication::Valid)) {
            out.indication = s.report.indication;
            out.sub_indication = s.report.sub_indication;
            if (out.indication == validation::Indication::Invalid) return;
        }
    }
}

}  // namespace

namespace {

SignatureReport verify_content(ByteView der, detail::Content content, const validation::Validator& validator,
                               const VerifyOptions& o) {
    SignatureReport out;
    out.validation_time = *o.validation.at;
    out.time_source = o.time_source;
    detail::ParsedSignedData parsed;
    std::vector<x509::Certificate> embedded;
    try {
        parsed = detail::parse_without_certificates(der);
        for (ByteView c : parsed.certificates) embedded.push_back(validator.certificate(c));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::INPUT_TOO_LARGE) throw;
        out.findings.push_back(validation::make_finding(FindingCode::CMS_MALFORMED, Severity::Error, e.what()));
        conclude(out);
        return out;
    }
    CMS_ContentInfo* cms = parsed.cms.get();
    if (parsed.trailing_zeros)
        out.findings.push_back(validation::make_finding(FindingCode::TRAILING_PADDING, Severity::Warning,
                                                        std::to_string(parsed.trailing_zeros) + " byte(s)"));
    if (auto attached = detail::attached_content(cms)) content = detail::Content{attached};
    const auto versions = detail::signer_info_versions(parsed.der);

    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    std::optional<std::vector<x509::Certificate>> known;
    if (sk_CMS_SignerInfo_num(infos) <= 0) {
        out.findings.push_back(validation::make_finding(FindingCode::NO_SIGNERS, Severity::Error));
    }
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
        CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
        SignerReport s;
        s.validation_time = *o.validation.at;
        s.time_source = o.time_source;
        s.signing_time = signing_time(si);
        s.certificate = find_signer(si, embedded);
        if (!s.certificate) {  // not carried: maybe among the certificates given to the validator
            if (!known) known = validator.known_certificates();
            s.certificate = find_signer(si, *known);
        }
        validation::ValidationReport sig;
        sig.validation_time = *o.validation.at;
        if (!s.certificate) {
            sig.add(FindingCode::SIGNER_CERTIFICATE_MISSING, Severity::Error);
            sig.conclude();
            s.report = std::move(sig);
            out.signers.push_back(std::move(s));
            continue;
        }
        check_signer(cms, si, i < static_cast<int>(versions.size()) ? versions[i] : -1, content, *s.certificate, o, sig);
        s.signature_verified = std::none_of(sig.findings.begin(), sig.findings.end(),
                                            [](const validation::Finding& f) { return f.severity == Severity::Error; });
        if (s.signing_time && (*s.signing_time < s.certificate->not_before() || *s.signing_time > s.certificate->not_after()))
            sig.add(FindingCode::SIGNING_TIME_UNPROVEN, Severity::Warning, format_rfc3339(*s.signing_time), 0);
        // CAdES-T: a valid signature-time-stamp proves the signature existed at its time, at
        // which the signer's certificate is then checked (unless a time was asked for).
        validation::ValidationOptions at = o.validation;
        s.timestamp = detail::check_timestamp(si, validator, o, sig);
        if (s.timestamp && s.timestamp->valid && o.time_source == TimeSource::Current) {
            at.at = *s.timestamp->time;
            s.time_source = TimeSource::Timestamp;
        }
        s.validation_time = *at.at;
        auto path = validator.validate(*s.certificate, at, embedded);
        path.findings.insert(path.findings.begin(), sig.findings.begin(), sig.findings.end());
        path.conclude();
        s.report = std::move(path);
        out.signers.push_back(std::move(s));
    }
    conclude(out);
    return out;
}

}  // namespace

SignatureReport verify(ByteView der, std::optional<ByteView> content, const validation::Validator& validator,
                       const VerifyOptions& o) {
    std::optional<VerifyOptions> timed;
    return verify_content(der, detail::Content{content}, validator, detail::with_time(o, timed));
}

SignatureReport verify(ByteView der, const DocumentDigests& detached, const validation::Validator& validator,
                       const VerifyOptions& o) {
    std::optional<VerifyOptions> timed;
    return verify_content(der, detail::Content{std::nullopt, &detached}, validator, detail::with_time(o, timed));
}

namespace {

const char* source_name(TimeSource t) {
    switch (t) {
        case TimeSource::Requested: return "requested";
        case TimeSource::Timestamp: return "timestamp";
        case TimeSource::Current: break;
    }
    return "current";
}

nlohmann::json sub_json(validation::SubIndication s) {
    return s == validation::SubIndication::None ? nlohmann::json(nullptr) : nlohmann::json(validation::to_string(s));
}

nlohmann::json timestamp_json(const std::optional<TimestampReport>& t) {
    if (!t) return nullptr;
    return {{"time", t->time ? nlohmann::json(format_rfc3339(*t->time)) : nlohmann::json(nullptr)},
            {"indication", validation::to_string(t->report.indication)},
            {"subIndication", sub_json(t->report.sub_indication)},
            {"policy", t->policy},
            {"tsa", t->tsa ? validation::identity_json(*t->tsa) : nlohmann::json(nullptr)},
            {"findings", validation::to_json(t->report.findings)}};
}

}  // namespace

nlohmann::json to_json(const TimestampReport& t) {
    nlohmann::json j = timestamp_json(t);
    const nlohmann::json path = validation::to_json(t.report);
    j["chain"] = path["chain"];
    j["revocationPolicy"] = path["revocationPolicy"];
    return j;
}

nlohmann::json to_json(const SignatureReport& r) {
    nlohmann::json signers = nlohmann::json::array();
    for (const auto& s : r.signers) {
        nlohmann::json j = validation::to_json(s.report);
        j["validationTime"] = format_rfc3339(s.validation_time);
        j["validationTimeSource"] = source_name(s.time_source);
        j["timestamp"] = timestamp_json(s.timestamp);
        j["signingTime"] = s.signing_time ? nlohmann::json(format_rfc3339(*s.signing_time)) : nlohmann::json(nullptr);
        j["signer"] = s.certificate ? validation::identity_json(*s.certificate) : nlohmann::json(nullptr);
        signers.push_back(std::move(j));
    }
    return {
        {"indication", validation::to_string(r.indication)},
        {"subIndication", sub_json(r.sub_indication)},
        {"validationTime", format_rfc3339(r.validation_time)},
        {"validationTimeSource", source_name(r.time_source)},
        {"findings", validation::to_json(r.findings)},
        {"signers", signers},
    };
}

std::string to_text(const SignatureReport& r) {
    std::ostringstream out;
    out << validation::to_string(r.indication);
    if (r.sub_indication != validation::SubIndication::None) out << " (" << validation::to_string(r.sub_indication) << ")";
    out << "  at " << format_rfc3339(r.validation_time) << (r.time_source == TimeSource::Requested ? " (requested)" : " (now)") << "\n";
    for (const auto& f : r.findings) out << "  " << validation::to_string(f.code) << ": " << f.message << "\n";
    for (std::size_t i = 0; i < r.signers.size(); ++i) {
        const auto& s = r.signers[i];
        out << "signer " << i + 1;
        if (s.certificate) {
            const auto info = x509::describe(*s.certificate);
            out << ": " << info.subject;
            if (info.iin.status != x509::IdentifierStatus::Absent) out << "  IIN " << info.iin.value;
            if (info.bin.status != x509::IdentifierStatus::Absent) out << "  BIN " << info.bin.value;
        }
        if (s.signing_time) out << "  signingTime " << format_rfc3339(*s.signing_time) << " (claimed)";
        if (s.timestamp) {
            out << "\n  time-stamp " << (s.timestamp->time ? format_rfc3339(*s.timestamp->time) : std::string("?")) << " "
                << validation::to_string(s.timestamp->report.indication);
            if (s.timestamp->tsa) out << " by " << s.timestamp->tsa->subject_text();
            if (s.time_source == TimeSource::Timestamp) out << " (certificate checked at this time)";
        }
        out << "\n" << validation::to_text(s.report);
    }
    return out.str();
}

std::optional<Bytes> encapsulated_content(ByteView cms) {
    const auto parsed = detail::parse_without_certificates(cms);  // the certificates' keys are not needed here
    const auto content = detail::attached_content(parsed.cms.get());
    if (!content) return std::nullopt;
    return Bytes(content->begin(), content->end());
}

}  // namespace tanba::cms
