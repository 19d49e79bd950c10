#include "tanba/x509/csr.hpp"

#include <openssl/x509v3.h>

#include "der.hpp"
#include "tanba/x509/builder.hpp"
#include "tanba/x509/gost.hpp"

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::x509 {

const X509_NAME* CertificateRequest::subject() const { return X509_REQ_get_subject_name(req_.get()); }
const X509_PUBKEY* CertificateRequest::public_key_info() const { return X509_REQ_get_X509_PUBKEY(req_.get()); }

CertificateRequest CertificateRequest::load(ByteView data) {
    ossl::clear_errors();
    Bytes der = std::move(
        ossl::der_objects(data, {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}, ErrorCode::CSR_DECODE_FAILED).front());
    auto req = ossl::req_from_der(der);
    return CertificateRequest(std::move(der), std::move(req));
}

std::string CertificateRequest::pem() const { return ossl::to_pem(der_, "CERTIFICATE REQUEST"); }

EVP_PKEY* CertificateRequest::public_key() const {
    EVP_PKEY* k = X509_REQ_get0_pubkey(req_.get());
    if (!k) throw ossl::error(ErrorCode::KEY_UNSUPPORTED, "public key of the certificate request");
    return k;
}

keys::KeySpec CertificateRequest::key_spec() const {
    if (auto gost = gost_key_spec(public_key_info())) return *gost;
    return keys::spec_of(public_key());
}

void CertificateRequest::verify_proof_of_possession() const {
    ossl::clear_errors();
    if (gost_key_spec(public_key_info())) {  // lib/gost checks it (OpenSSL holds no GOST keys)
        const auto spki = ossl::encode(public_key_info(), i2d_X509_PUBKEY, "SubjectPublicKeyInfo");
        if (check_gost_signature(der_, ByteView(spki)).verdict != GostVerdict::Valid)
            throw Error(ErrorCode::CSR_BAD_SIGNATURE, "the request is not signed by the GOST key it carries");
        return;
    }
    if (X509_REQ_verify(req_.get(), public_key()) != 1)
        throw ossl::error(ErrorCode::CSR_BAD_SIGNATURE, "the request is not signed by the key it carries");
}

std::vector<ossl::Extension> CertificateRequest::requested_extensions() const {
    std::vector<ossl::Extension> out;
    ossl::ExtensionStack exts(X509_REQ_get_extensions(req_.get()));
    for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts.get()); ++i)
        out.emplace_back(X509_EXTENSION_dup(sk_X509_EXTENSION_value(exts.get(), i)));
    ossl::clear_errors();
    return out;
}

std::vector<ossl::Extension> allowed_request_extensions(const PreparedProfile& prepared, const CertificateRequest& csr) {
    std::vector<ossl::Extension> out;
    for (auto& ext : csr.requested_extensions()) {
        const ASN1_OBJECT* obj = X509_EXTENSION_get_object(ext.get());
        const int nid = OBJ_obj2nid(obj);
        bool set_by_profile = nid == NID_subject_key_identifier || nid == NID_authority_key_identifier;
        for (const auto& own : prepared.extensions)
            set_by_profile = set_by_profile || OBJ_cmp(X509_EXTENSION_get_object(own.get()), obj) == 0;
        if (set_by_profile) continue;
        const std::string dotted = ossl::oid_text(obj);
        for (const auto& allowed : prepared.profile->allowed_csr_extensions) {
            if (allowed == dotted || (nid != NID_undef && (allowed == OBJ_nid2sn(nid) || allowed == OBJ_nid2ln(nid)))) {
                out.push_back(std::move(ext));
                break;
            }
        }
    }
    return out;
}

CertificateRequest make_request(const keys::Signer& key, const SubjectIdentity& identity) {
    const auto opts = keys::default_sign_options(key.spec().algorithm);
    if (!key.public_key()) {  // a key OpenSSL cannot hold (GOST): CertificationRequestInfo written here
        const auto name = build_name(identity);
        Bytes info = der::tlv(0x02, Bytes{0x00});                                     // version v1
        const auto subject = ossl::encode(name.get(), i2d_X509_NAME, "the subject name");
        info.insert(info.end(), subject.begin(), subject.end());
        const auto spki = key.public_key_der();
        info.insert(info.end(), spki.begin(), spki.end());
        info.push_back(0xa0);                                                         // attributes [0]: none
        info.push_back(0x00);
        info = der::tlv(0x30, info);
        return CertificateRequest::load(der::signed_structure(info, key.algorithm_identifier(opts), key.sign(info, opts)));
    }
    ossl::clear_errors();
    ossl::Req req(X509_REQ_new());
    auto name = build_name(identity);
    ossl::check(X509_REQ_set_version(req.get(), 0) == 1 && X509_REQ_set_subject_name(req.get(), name.get()) == 1 &&
                    X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(key.public_key())) == 1,
                ErrorCode::CRYPTO_FAILURE, "building certificate request");
    const Bytes info = ossl::encode(req.get(), i2d_re_X509_REQ_tbs, "the certification request info");
    return CertificateRequest::load(der::signed_structure(info, key.algorithm_identifier(opts), key.sign(info, opts)));
}

}  // namespace tanba::x509
