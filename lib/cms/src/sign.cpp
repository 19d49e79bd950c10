#include "tanba/cms/sign.hpp"

#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/rsa.h>

#include "signed_data.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms {
namespace {

constexpr unsigned kFlags = CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;

void require_matching_key(const keys::Signer& key, const x509::Certificate& cert) {
    if (!keys::same_public_key(key.public_key(), cert.public_key()))
        throw Error(ErrorCode::KEY_MISMATCH, key.describe() + " does not belong to " + cert.subject_text());
}

/// Adds the signer with the CAdES-B-B signed attributes; the signature is made by the caller
/// (CMS_final for a new SignedData, CMS_SignerInfo_sign for a co-signature).
CMS_SignerInfo* add_cades_signer(CMS_ContentInfo* cms, const keys::Signer& key, const x509::Certificate& cert,
                                 const SignOptions& o, unsigned extra_flags) {
    const EVP_MD* md = keys::digest_of(o.algorithm.hash);
    // CMS_KEY_PARAM only for PSS: it makes the SignerInfo carry its own signing context.
    const unsigned key_param = o.algorithm.padding == keys::RsaPadding::Pss ? CMS_KEY_PARAM : 0;
    CMS_SignerInfo* si = CMS_add1_signer(cms, cert.get(), key.signing_key(), md, kFlags | key_param | extra_flags);
    ossl::check(si != nullptr, ErrorCode::KEY_SIGN_FAILED, "adding the CMS signer");
    if (o.algorithm.padding == keys::RsaPadding::Pss) {
        EVP_PKEY_CTX* pctx = CMS_SignerInfo_get0_pkey_ctx(si);
        ossl::check(pctx && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                    ErrorCode::KEY_SIGN_FAILED, "RSA-PSS parameters");
    }
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
    for (const auto& c : o.chain) CMS_add1_cert(cms, c.get());
    ossl::clear_errors();  // CMS_add1_cert reports duplicates, which are fine
    return si;
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

Bytes sign(ByteView content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& o) {
    ossl::clear_errors();
    require_matching_key(key, cert);
    const unsigned detached = o.attachment == Attachment::Detached ? CMS_DETACHED : 0;
    ossl::CmsContent cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags | detached));
    ossl::check(cms != nullptr, ErrorCode::CRYPTO_FAILURE, "creating SignedData");
    CMS_SignerInfo* si = add_cades_signer(cms.get(), key, cert, o, 0);
    ossl::Bio data(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    ossl::check(data && CMS_final(cms.get(), data.get(), nullptr, CMS_BINARY | detached) == 1, ErrorCode::KEY_SIGN_FAILED,
                "signing the CMS");
    add_timestamp(si, o);
    return detail::to_der(cms.get());
}

Bytes add_signer(ByteView existing, ByteView content, const keys::Signer& key, const x509::Certificate& cert,
                 const SignOptions& o) {
    ossl::clear_errors();
    require_matching_key(key, cert);
    ossl::CmsContent cms = detail::parse(existing);
    if (auto attached = detail::attached_content(cms.get());
        attached && !std::equal(attached->begin(), attached->end(), content.begin(), content.end()))
        throw Error(ErrorCode::CMS_CONTENT_MISMATCH, "the signature encapsulates other content");
    // Every existing signer must have signed this content: a co-signature is over the same document.
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
        CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, i);
        const ASN1_TYPE* md = detail::signed_attribute(si, NID_pkcs9_messageDigest);
        auto digest = detail::content_digest(si, content);
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
    ossl::check(CMS_SignerInfo_sign(si) == 1, ErrorCode::KEY_SIGN_FAILED, "signing the co-signature");
    add_timestamp(si, o);
    return detail::to_der(cms.get());
}

}  // namespace tanba::cms
