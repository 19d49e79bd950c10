// OCSP requests read and responses written by a responder (RFC 6960 §4.1, §4.2).
#include "tanba/revocation/ocsp_writer.hpp"

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "tanba/base/der.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::revocation {
namespace {

// id-pkix-ocsp-basic 1.3.6.1.5.5.7.48.1.1
constexpr std::uint8_t kBasic[] = {0x06, 0x09, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};

Bytes digest(const EVP_MD* md, ByteView data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ossl::check(EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) == 1, ErrorCode::CRYPTO_FAILURE, "hashing");
    return Bytes(out, out + len);
}

Bytes single_response(const SingleAnswer& a) {
    Bytes body = a.cert_id;
    switch (a.status.state) {
        case CertState::Good: body.insert(body.end(), {0x80, 0x00}); break;
        case CertState::Unknown: body.insert(body.end(), {0x82, 0x00}); break;
        case CertState::Revoked: {
            Bytes info = der::generalized_time(a.status.revoked_at);
            if (a.status.reason) {
                const std::uint8_t code[] = {0x0A, 0x01, static_cast<std::uint8_t>(*a.status.reason)};
                der::append_tlv(info, 0xA0, code);
            }
            der::append_tlv(body, 0xA1, info);
            break;
        }
    }
    const Bytes this_update = der::generalized_time(a.this_update);
    body.insert(body.end(), this_update.begin(), this_update.end());
    der::append_tlv(body, 0xA0, der::generalized_time(a.next_update));
    return der::tlv(0x30, body);
}

}  // namespace

std::optional<OcspRequestInfo> parse_ocsp_request(ByteView der) {
    if (der.size() > kMaxOcspRequest) return std::nullopt;
    ossl::clear_errors();
    const unsigned char* p = der.data();
    ossl::OcspRequest req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
    ossl::clear_errors();
    if (!req || p != der.data() + der.size() || OCSP_request_onereq_count(req.get()) <= 0) return std::nullopt;
    OcspRequestInfo info;
    for (int i = 0; i < OCSP_request_onereq_count(req.get()); ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
        ASN1_OCTET_STRING *name_hash = nullptr, *key_hash = nullptr;
        ASN1_OBJECT* md = nullptr;
        ASN1_INTEGER* serial = nullptr;
        if (OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, id) != 1 || !name_hash || !key_hash || !md || !serial)
            return std::nullopt;
        info.certificates.push_back({ossl::encode(id, i2d_OCSP_CERTID, "the CertID"), ossl::oid_text(md),
                                     Bytes(name_hash->data, name_hash->data + name_hash->length),
                                     Bytes(key_hash->data, key_hash->data + key_hash->length), ossl::integer_bytes(serial)});
    }
    for (int i = 0; i < OCSP_REQUEST_get_ext_count(req.get()); ++i) {
        X509_EXTENSION* ext = OCSP_REQUEST_get_ext(req.get(), i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) == NID_id_pkix_OCSP_Nonce && !info.nonce_extension)
            info.nonce_extension = ossl::encode(ext, i2d_X509_EXTENSION, "the nonce");
        else
            info.other_extensions = true;
    }
    ossl::clear_errors();
    return info;
}

std::vector<IssuerHashes> issuer_hashes(const x509::Certificate& issuer) {
    const Bytes name = ossl::encode(X509_get_subject_name(issuer.get()), i2d_X509_NAME, "the issuer name");
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer.get());
    const ByteView key_bits(key->data, static_cast<std::size_t>(key->length));
    std::vector<IssuerHashes> out;
    for (const EVP_MD* md : {EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
        ossl::Algor alg(X509_ALGOR_new());
        ossl::check(alg && X509_ALGOR_set0(alg.get(), OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, nullptr) == 1,
                    ErrorCode::CRYPTO_FAILURE, "hash algorithm");
        out.push_back({ossl::encode(alg.get(), i2d_X509_ALGOR, "hash algorithm"),
                       ossl::oid_text(OBJ_nid2obj(EVP_MD_get_type(md))), digest(md, name), digest(md, key_bits)});
    }
    return out;
}

CertIdInfo make_cert_id(const IssuerHashes& issuer, ByteView serial) {
    Bytes body = issuer.algorithm;
    der::append_tlv(body, 0x04, issuer.name_hash);
    der::append_tlv(body, 0x04, issuer.key_hash);
    const Bytes number = der::positive_integer(serial);
    body.insert(body.end(), number.begin(), number.end());
    return {der::tlv(0x30, body), issuer.hash_oid, issuer.name_hash, issuer.key_hash, Bytes(serial.begin(), serial.end())};
}

Bytes ocsp_status_only(OcspResponseStatus status) {
    const std::uint8_t value[] = {static_cast<std::uint8_t>(status)};
    return der::tlv(0x30, der::tlv(0x0A, value));
}

OcspWriter::OcspWriter(const x509::Certificate& responder, const keys::Signer& signer)
    : responder_(responder),
      signer_(signer),
      options_(keys::default_sign_options(signer.spec().algorithm)),
      valid_from_(responder.not_before()),
      valid_until_(responder.not_after()) {
    x509::require_key_of(signer, responder);
    algorithm_ = signer.algorithm_identifier(options_);
    responder_id_ = der::tlv(0xA1, ossl::encode(X509_get_subject_name(responder.get()), i2d_X509_NAME, "the responder name"));
    certs_ = der::tlv(0xA0, der::tlv(0x30, responder.der()));
}

Bytes OcspWriter::write(const OcspResponseSpec& spec) const {
    if (spec.produced_at < valid_from_ || spec.produced_at > valid_until_)
        throw Error(ErrorCode::CA_CERT_NOT_VALID, "the OCSP responder certificate " + responder_.subject_text() + " is valid " +
                                                      format_rfc3339(valid_from_) + " to " + format_rfc3339(valid_until_));
    Bytes responses;
    for (const auto& a : spec.answers) {
        const Bytes single = single_response(a);
        responses.insert(responses.end(), single.begin(), single.end());
    }
    Bytes data = responder_id_;
    const Bytes produced = der::generalized_time(spec.produced_at);
    data.insert(data.end(), produced.begin(), produced.end());
    der::append_tlv(data, 0x30, responses);
    if (spec.nonce_extension) der::append_tlv(data, 0xA1, der::tlv(0x30, *spec.nonce_extension));
    const Bytes tbs = der::tlv(0x30, data);
    const Bytes basic = der::signed_structure(tbs, algorithm_, signer_.sign(tbs, options_), certs_);
    Bytes response_bytes(std::begin(kBasic), std::end(kBasic));
    der::append_tlv(response_bytes, 0x04, basic);
    Bytes body{0x0A, 0x01, static_cast<std::uint8_t>(OcspResponseStatus::Successful)};
    der::append_tlv(body, 0xA0, der::tlv(0x30, response_bytes));
    return der::tlv(0x30, body);
}

}  // namespace tanba::revocation
