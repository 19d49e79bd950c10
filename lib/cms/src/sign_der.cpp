#include "sign_der.hpp"

#include <openssl/ess.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "tanba/base/der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::cms::detail {
namespace {

Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes oid_der(const std::string& dotted) {
    const auto obj = ossl::oid_from_text(dotted);
    return ossl::encode(obj.get(), i2d_ASN1_OBJECT, "an OID");
}

// Attribute ::= SEQUENCE { type, SET { value } }.
Bytes attribute(const char* type, ByteView value) { return der::tlv(0x30, cat({oid_der(type), der::tlv(0x31, value)})); }


}  // namespace

Bytes signed_data_der(const Content& content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& o) {
    const std::string digest_oid = key.digest_algorithm(o.algorithm);
    const Bytes digest_alg = der::tlv(0x30, oid_der(digest_oid));
    const auto digest = content_digest(digest_oid, content);
    if (!digest) throw Error(ErrorCode::USAGE, "the document was not digested with the key's digest algorithm " + digest_oid);

    // Signed attributes: contentType, signingTime, messageDigest, signingCertificateV2.
    const auto when = ossl::to_asn1_time(o.signing_time);
    ossl::EssSigningCertV2 sc(OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert.get(), nullptr, 1));
    ossl::check(sc != nullptr, ErrorCode::CRYPTO_FAILURE, "signingCertificateV2");
    std::vector<Bytes> attrs{attribute("1.2.840.113549.1.9.3", oid_der(o.content_type)),
                             attribute("1.2.840.113549.1.9.5", ossl::encode(when.get(), i2d_ASN1_TIME, "signingTime")),
                             attribute("1.2.840.113549.1.9.4", der::tlv(0x04, *digest)),
                             attribute("1.2.840.113549.1.9.16.2.47", ossl::encode(sc.get(), i2d_ESS_SIGNING_CERT_V2, "signingCertificateV2"))};
    Bytes signed_attrs = der::set_of(std::move(attrs));  // as signed: a SET OF; in the SignerInfo [0] IMPLICIT
    const Bytes signature = key.sign(signed_attrs, o.algorithm);
    signed_attrs[0] = 0xa0;

    // SignerInfo: version 1, IssuerAndSerialNumber, digest, [0] attributes, signature algorithm, signature.
    const Bytes sid = der::tlv(0x30, cat({ossl::encode(X509_get_issuer_name(cert.get()), i2d_X509_NAME, "issuer"),
                                          ossl::encode(X509_get0_serialNumber(cert.get()), i2d_ASN1_INTEGER, "serial")}));
    Bytes signer_info = der::tlv(
        0x30, cat({der::tlv(0x02, Bytes{0x01}), sid, digest_alg, signed_attrs, key.algorithm_identifier(o.algorithm), der::tlv(0x04, signature)}));
    if (o.timestamp) {  // CAdES-B-T: unsignedAttrs [1] { signatureTimeStampToken }
        const Bytes token = o.timestamp(signature);
        const Bytes unsigned_attrs = der::tlv(0xa1, attribute("1.2.840.113549.1.9.16.2.14", token));
        signer_info = der::tlv(0x30, cat({ByteView(signer_info).subspan(der::element_at(signer_info, 0)->content), unsigned_attrs}));
    }

    // SignedData: version 1 (3 for a content type other than data), digestAlgorithms,
    // encapContentInfo, certificates [0], signerInfos.
    Bytes encap = oid_der(o.content_type);
    if (o.attachment == Attachment::Attached) encap = cat({encap, der::tlv(0xa0, der::tlv(0x04, *content.bytes))});
    std::vector<Bytes> certs;
    if (o.certificates != Certificates::None) {
        certs.push_back(cert.der());
        if (o.certificates == Certificates::SignerAndChain)
            for (const auto& c : o.chain) certs.push_back(c.der());
    }
    Bytes certificates;
    if (!certs.empty()) {
        certificates = der::set_of(std::move(certs));
        certificates[0] = 0xa0;
    }
    const std::uint8_t version = o.content_type == kIdData ? 1 : 3;
    const Bytes signed_data = der::tlv(0x30, cat({der::tlv(0x02, Bytes{version}), der::tlv(0x31, digest_alg), der::tlv(0x30, encap),
                                                  certificates, der::tlv(0x31, signer_info)}));
    return der::tlv(0x30, cat({oid_der("1.2.840.113549.1.7.2"), der::tlv(0xa0, signed_data)}));
}

}  // namespace tanba::cms::detail
