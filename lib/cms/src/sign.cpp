#include "tanba/cms/sign.hpp"

#include <openssl/cms.h>
#include <openssl/ess.h>

#include <algorithm>
#include <cstring>

#include "sign_der.hpp"
#include "signed_data.hpp"
#include "tanba/base/der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms {
namespace {

constexpr unsigned kFlags = CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;

// The signed attributes as they are signed (RFC 5652 §5.4): a SET OF Attribute, its members
// in DER order (X.690 §11.6), as OpenSSL encodes them in the SignerInfo.
Bytes signed_attributes_der(CMS_SignerInfo* si) {
    std::vector<Bytes> attrs;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i)
        attrs.push_back(ossl::encode(CMS_signed_get_attr(si, i), i2d_X509_ATTRIBUTE, "a signed attribute"));
    return der::set_of(std::move(attrs));
}

// The SignerInfo's signature and its algorithm, through the Signer.
void sign_signer_info(CMS_SignerInfo* si, const keys::Signer& key, const keys::SignOptions& o) {
    const Bytes alg = key.algorithm_identifier(o);
    const Bytes signature = key.sign(signed_attributes_der(si), o);
    X509_ALGOR* sig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &sig_alg);
    const unsigned char* p = alg.data();
    ossl::Algor parsed(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(alg.size())));
    ossl::check(sig_alg && parsed && X509_ALGOR_copy(sig_alg, parsed.get()) == 1 &&
                    ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(), static_cast<int>(signature.size())) == 1,
                ErrorCode::CRYPTO_FAILURE, "setting the signature");
}

/// Adds the signer with the CAdES-B-B signed attributes (contentType, signingTime,
/// signingCertificateV2, and messageDigest unless the caller's flags reuse another signer's);
/// the signature is made by sign_signer_info once the attributes are complete.
CMS_SignerInfo* add_cades_signer(CMS_ContentInfo* cms, const keys::Signer& key, const x509::Certificate& cert,
                                 const SignOptions& o, unsigned extra_flags) {
    const EVP_MD* md = keys::digest_of(o.algorithm.hash);
    // OpenSSL lays out the SignerInfo around the public key (it takes its own reference); no
    // private operation is asked of it.
    CMS_SignerInfo* si = CMS_add1_signer(cms, cert.get(), const_cast<EVP_PKEY*>(key.public_key()), md, kFlags | extra_flags |
                                                                          (o.certificates == Certificates::None ? CMS_NOCERTS : 0));
    ossl::check(si != nullptr, ErrorCode::KEY_SIGN_FAILED, "adding the CMS signer");
    const ASN1_OBJECT* type = CMS_get0_eContentType(cms);
    // (OpenSSL adds contentType itself when it copies a co-signer's messageDigest.)
    ossl::check(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1) >= 0 ||
                    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT, const_cast<ASN1_OBJECT*>(type), -1) == 1,
                ErrorCode::CRYPTO_FAILURE, "contentType attribute");
    ossl::Asn1Time when = ossl::to_asn1_time(o.signing_time);
    ossl::check(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(when.get()), when.get(), -1) == 1,
                ErrorCode::CRYPTO_FAILURE, "signingTime attribute");
    // signingCertificateV2 (RFC 5035): SHA-256 hash of the signer's certificate with its issuer and serial.
    ossl::EssSigningCertV2 sc(OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert.get(), nullptr, 1));
    unsigned char* der = nullptr;
    const int len = sc ? i2d_ESS_SIGNING_CERT_V2(sc.get(), &der) : -1;
    ossl::OpenSslBytes guard(der);
    ossl::check(len > 0 && CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, der, len) == 1,
                ErrorCode::CRYPTO_FAILURE, "signingCertificateV2 attribute");
    if (o.certificates == Certificates::SignerAndChain)
        for (const auto& c : o.chain) CMS_add1_cert(cms, c.get());
    ossl::clear_errors();  // CMS_add1_cert reports duplicates, which are fine
    return si;
}

// messageDigest over the content with the SignerInfo's digest algorithm.
void add_message_digest(CMS_SignerInfo* si, const detail::Content& content) {
    const auto digest = detail::content_digest(si, content);
    ossl::check(digest && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest->data(),
                                                      static_cast<int>(digest->size())) == 1,
                ErrorCode::CRYPTO_FAILURE, "messageDigest attribute");
}

// CAdES-B-T: the signature-time-stamp over the signature value, unsigned.
void add_timestamp(CMS_SignerInfo* si, const SignOptions& o) {
    if (!o.timestamp) return;
    const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
    const Bytes token = o.timestamp(ByteView(value->data, static_cast<std::size_t>(value->length)));
    ossl::check(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token.data(),
                                              static_cast<int>(token.size())) == 1,
                ErrorCode::CRYPTO_FAILURE, "signature-time-stamp attribute");
}

}  // namespace

namespace {

Bytes sign_content(const detail::Content& content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& o) {
    ossl::clear_errors();
    x509::require_key_of(key, cert);
    if (!key.public_key()) return detail::signed_data_der(content, key, cert, o);  // a key OpenSSL cannot hold (GOST)
    const unsigned detached = o.attachment == Attachment::Detached ? CMS_DETACHED : 0;
    ossl::CmsContent cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags | detached));
    ossl::Asn1Object type = ossl::oid_from_text(o.content_type);
    ossl::check(cms != nullptr && CMS_set1_eContentType(cms.get(), type.get()) == 1, ErrorCode::CRYPTO_FAILURE,
                "creating SignedData");
    if (o.attachment == Attachment::Attached) {
        ASN1_OCTET_STRING** econtent = CMS_get0_content(cms.get());
        ossl::check(econtent && (*econtent || (*econtent = ASN1_OCTET_STRING_new())) &&
                        ASN1_OCTET_STRING_set(*econtent, content.bytes->data(), static_cast<int>(content.bytes->size())) == 1,
                    ErrorCode::CRYPTO_FAILURE, "the encapsulated content");
        (*econtent)->flags &= ~ASN1_STRING_FLAG_CONT;  // set here, not streamed in later
    }
    CMS_SignerInfo* si = add_cades_signer(cms.get(), key, cert, o, 0);
    add_message_digest(si, content);
    sign_signer_info(si, key, o.algorithm);
    add_timestamp(si, o);
    return detail::to_der(cms.get());
}

}  // namespace

Bytes sign(ByteView content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& o) {
    return sign_content(detail::Content{content}, key, cert, o);
}

Bytes sign(const DocumentDigests& document, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& o) {
    if (o.attachment != Attachment::Detached) throw Error(ErrorCode::USAGE, "a document known by its digests is signed detached");
    if (!document.digest(key.digest_algorithm(o.algorithm))) throw Error(ErrorCode::USAGE, "the document was not digested with the signing hash");
    return sign_content(detail::Content{std::nullopt, &document}, key, cert, o);
}

Bytes add_signer(ByteView existing, ByteView content, const keys::Signer& key, const x509::Certificate& cert,
                 const SignOptions& o) {
    ossl::clear_errors();
    if (!key.public_key()) throw Error(ErrorCode::KEY_UNSUPPORTED, "co-signatures with " + keys::to_string(key.spec()) + " keys are not made yet");
    x509::require_key_of(key, cert);
    ossl::CmsContent cms = detail::parse(existing);
    if (auto attached = detail::attached_content(cms.get());
        attached && !std::equal(attached->begin(), attached->end(), content.begin(), content.end()))
        throw Error(ErrorCode::CMS_CONTENT_MISMATCH, "the signature encapsulates other content");
    // Every existing signer must have signed this content: a co-signature is over the same document.
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
        CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
        const ASN1_TYPE* md = detail::signed_attribute(si, NID_pkcs9_messageDigest);
        auto digest = detail::content_digest(si, detail::Content{content});
        if (!md || md->type != V_ASN1_OCTET_STRING || !digest ||
            !std::equal(digest->begin(), digest->end(), md->value.octet_string->data,
                        md->value.octet_string->data + md->value.octet_string->length))
            throw Error(ErrorCode::CMS_CONTENT_MISMATCH, "signer " + std::to_string(i + 1) + " signed other content");
    }
    if (o.algorithm.padding == keys::RsaPadding::Pss)
        throw Error(ErrorCode::USAGE, "RSA-PSS co-signatures are not supported; co-sign with PKCS#1 v1.5 or ECDSA");
    const EVP_MD* md = keys::digest_of(o.algorithm.hash);
    bool same_digest = false;
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
        X509_ALGOR* dig = nullptr;
        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(infos, i), nullptr, nullptr, &dig, nullptr);
        const ASN1_OBJECT* oid = nullptr;
        X509_ALGOR_get0(&oid, nullptr, nullptr, dig);
        same_digest = same_digest || (md && OBJ_obj2nid(oid) == EVP_MD_get_type(md));
    }
    if (!same_digest) throw Error(ErrorCode::USAGE, "a co-signature uses the digest of an existing signer (--hash)");
    // The content digest is taken from an existing signer with the same digest algorithm
    // (checked above to be this content's), then the new signer signs its attributes.
    CMS_SignerInfo* si = add_cades_signer(cms.get(), key, cert, o, CMS_REUSE_DIGEST);
    sign_signer_info(si, key, o.algorithm);
    add_timestamp(si, o);
    return detail::to_der(cms.get());
}

}  // namespace tanba::cms
