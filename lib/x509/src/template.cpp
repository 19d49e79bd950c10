#include "tanba/x509/template.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

#include "der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/x509/lint.hpp"

namespace tanba::x509 {
namespace {

Bytes extension_der(const X509_EXTENSION* e) { return ossl::encode(e, i2d_X509_EXTENSION, "extension"); }

// Extension ::= SEQUENCE { extnID, extnValue OCTET STRING } (not critical).
Bytes key_id_extension(const std::uint8_t (&oid)[5], const Bytes& inner) {
    Bytes body(std::begin(oid), std::end(oid));
    der::append_tlv(body, 0x04, inner);
    return der::tlv(0x30, body);
}

constexpr std::uint8_t kSkiOid[5] = {0x06, 0x03, 0x55, 0x1D, 0x0E};  // 2.5.29.14
constexpr std::uint8_t kAkiOid[5] = {0x06, 0x03, 0x55, 0x1D, 0x23};  // 2.5.29.35

}  // namespace

TemplateFields fields_from(const X509_NAME* subject, const X509_PUBKEY* public_key,
                           const std::vector<ossl::Extension>& extra) {
    TemplateFields f;
    f.subject = ossl::encode(subject, i2d_X509_NAME, "subject");
    f.public_key = ossl::encode(public_key, i2d_X509_PUBKEY, "public key");
    f.key_id = key_identifier(public_key);
    for (const auto& e : extra) f.extra_extensions.push_back(extension_der(e.get()));
    return f;
}

CertificateTemplate::CertificateTemplate(const PreparedProfile& prepared, const Certificate& issuer,
                                         const keys::Signer& signer)
    : options_(keys::default_sign_options(signer.spec().algorithm)) {
    ossl::clear_errors();
    // A sample built the ordinary way, with the issuer's own name and key in the subject's
    // place: lints see the profile's fixed part as it will be issued.
    const X509_NAME* sample_subject = X509_get_subject_name(issuer.get());
    TbsRequest sample{sample_subject, issuer.public_key(), random_serial(issuer.not_before()), issuer.not_before(), issuer.not_after(), {},
                      issuer.public_key() ? Bytes{} : issuer.public_key_der()};
    auto tbs = build_tbs(prepared, sample, {&issuer});
    std::vector<std::string> problems;
    for (const auto& f : lint(tbs, *prepared.profile, &issuer)) {
        // The sample's subject and key stand in for the real ones, checked per certificate.
        if (f.code == "e_identifier_invalid" || f.code == "e_subject_rule" || f.code.rfind("e_key_", 0) == 0 ||
            f.code == "e_rsa_key_too_small")
            continue;
        problems.push_back(f.code + ": " + f.message);
    }
    if (!problems.empty())
        throw Error(ErrorCode::LINT_FAILED, "profile " + prepared.profile->name + ": " + problems.front(), problems);
    signature_algorithm_ = signer.algorithm_identifier(options_);
    issuer_ = ossl::encode(X509_get_subject_name(issuer.get()), i2d_X509_NAME, "issuer");
    for (const auto& e : prepared.extensions) {
        auto d = extension_der(e.get());
        fixed_extensions_.insert(fixed_extensions_.end(), d.begin(), d.end());
    }
    authority_key_id_ = key_id_extension(kAkiOid, der::tlv(0x30, der::tlv(0x80, key_identifier(issuer))));
}

Bytes CertificateTemplate::tbs(const TemplateFields& f) const {
    Bytes exts = fixed_extensions_;
    for (const auto& e : f.extra_extensions) exts.insert(exts.end(), e.begin(), e.end());
    auto ski = key_id_extension(kSkiOid, der::tlv(0x04, f.key_id));
    exts.insert(exts.end(), ski.begin(), ski.end());
    exts.insert(exts.end(), authority_key_id_.begin(), authority_key_id_.end());

    Bytes validity = der::time(f.not_before);
    auto na = der::time(f.not_after);
    validity.insert(validity.end(), na.begin(), na.end());

    static constexpr std::uint8_t kVersion3[] = {0xA0, 0x03, 0x02, 0x01, 0x02};
    Bytes body(std::begin(kVersion3), std::end(kVersion3));
    body.reserve(1024 + exts.size());
    const Bytes serial = der::positive_integer(f.serial);
    for (const Bytes* part : {&serial, &signature_algorithm_, &issuer_}) body.insert(body.end(), part->begin(), part->end());
    der::append_tlv(body, 0x30, validity);
    body.insert(body.end(), f.subject.begin(), f.subject.end());
    body.insert(body.end(), f.public_key.begin(), f.public_key.end());
    der::append_tlv(body, 0xA3, der::tlv(0x30, exts));
    return der::tlv(0x30, body);
}

Certificate CertificateTemplate::sign(ByteView tbs, const keys::Signer& signer) const {
    return Certificate::from_trusted_der(der::signed_structure(tbs, signature_algorithm_, signer.sign(tbs, options_)));
}

}  // namespace tanba::x509
