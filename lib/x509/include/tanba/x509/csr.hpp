#pragma once
// PKCS#10 certificate requests: parse, proof of possession, create.
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/ossl/handles.hpp"
#include "tanba/x509/name.hpp"

namespace tanba::x509 {

class CertificateRequest {
public:
    /// PEM ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST") or DER. Throws CSR_DECODE_FAILED.
    static CertificateRequest load(ByteView data);

    const Bytes& der() const { return der_; }
    std::string pem() const;
    X509_REQ* get() const { return req_.get(); }
    const X509_NAME* subject() const;
    /// The request's public key. Throws KEY_UNSUPPORTED when OpenSSL cannot load it.
    EVP_PKEY* public_key() const;
    keys::KeySpec key_spec() const;
    /// The request's SubjectPublicKeyInfo as encoded (copied into certificates as is).
    const X509_PUBKEY* public_key_info() const;
    /// Checks the self-signature (proof of possession). Throws CSR_BAD_SIGNATURE.
    void verify_proof_of_possession() const;
    /// Extensions the requester asked for (extensionRequest attribute).
    std::vector<ossl::Extension> requested_extensions() const;

private:
    CertificateRequest(Bytes der, ossl::Req req) : der_(std::move(der)), req_(std::move(req)) {}
    Bytes der_;
    std::shared_ptr<X509_REQ> req_;
};

struct PreparedProfile;
/// The extensions a request asked for that its profile allows (allowed_csr_extensions, by name
/// or OID), never one the profile sets itself or a key identifier: the CA's choice wins and
/// everything else requested is ignored.
std::vector<ossl::Extension> allowed_request_extensions(const PreparedProfile& profile, const CertificateRequest& csr);

/// Creates a request for the identity, signed by the key (conventional hash for its type).
CertificateRequest make_request(const keys::Signer& key, const SubjectIdentity& identity);

}  // namespace tanba::x509
