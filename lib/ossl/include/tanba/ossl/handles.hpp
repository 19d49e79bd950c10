#pragma once
// One owning RAII alias per OpenSSL type. Nothing outside lib/ossl calls *_free. The types are
// only declared here (<openssl/types.h> and forward declarations), so a public header that
// names a handle does not pull OpenSSL's API into its includers; the deleters are defined in
// lib/ossl/src/handles.cpp, and a source that calls OpenSSL includes the headers it uses.
#include <openssl/types.h>

#include <memory>

// OpenSSL types that <openssl/types.h> does not declare (same tags as their headers), for
// the handles and the public headers that name them.
typedef struct X509_req_st X509_REQ;
typedef struct X509_extension_st X509_EXTENSION;
typedef struct X509_sig_st X509_SIG;
typedef struct BASIC_CONSTRAINTS_st BASIC_CONSTRAINTS;
typedef struct POLICY_CONSTRAINTS_st POLICY_CONSTRAINTS;
typedef struct DIST_POINT_NAME_st DIST_POINT_NAME;
typedef struct PKCS12_st PKCS12;
typedef struct ECDSA_SIG_st ECDSA_SIG;
typedef struct pkcs7_st PKCS7;
typedef struct CMS_ContentInfo_st CMS_ContentInfo;
typedef struct ESS_signing_cert ESS_SIGNING_CERT;
typedef struct ESS_signing_cert_v2_st ESS_SIGNING_CERT_V2;
typedef struct ocsp_request_st OCSP_REQUEST;
typedef struct ocsp_basic_response_st OCSP_BASICRESP;
typedef struct ocsp_cert_id_st OCSP_CERTID;
typedef struct TS_resp_ctx TS_RESP_CTX;
typedef struct TS_resp_st TS_RESP;
typedef struct TS_req_st TS_REQ;
typedef struct TS_msg_imprint_st TS_MSG_IMPRINT;
typedef struct TS_tst_info_st TS_TST_INFO;
typedef struct TS_verify_ctx TS_VERIFY_CTX;
typedef struct stack_st_ASN1_OBJECT EXTENDED_KEY_USAGE;
typedef struct stack_st_POLICYINFO CERTIFICATEPOLICIES;
typedef struct stack_st_GENERAL_NAME GENERAL_NAMES;
typedef struct stack_st_ACCESS_DESCRIPTION AUTHORITY_INFO_ACCESS;
typedef struct stack_st_DIST_POINT CRL_DIST_POINTS;
typedef struct stack_st_POLICY_MAPPING POLICY_MAPPINGS;
struct stack_st_X509;
struct stack_st_X509_EXTENSION;
struct stack_st_PKCS7;
struct stack_st_PKCS12_SAFEBAG;

namespace tanba::ossl {

// Each alias's deleter: declared here, defined (calling the type's *_free) in handles.cpp.
#define TANBA_OSSL_HANDLE(Alias, Type)                 \
    struct Alias##Free {                               \
        void operator()(Type* p) const noexcept;       \
    };                                                 \
    using Alias = std::unique_ptr<Type, Alias##Free>

TANBA_OSSL_HANDLE(Bio, BIO);
TANBA_OSSL_HANDLE(BigNum, BIGNUM);
TANBA_OSSL_HANDLE(PKey, EVP_PKEY);
TANBA_OSSL_HANDLE(PKeyCtx, EVP_PKEY_CTX);
TANBA_OSSL_HANDLE(MdCtx, EVP_MD_CTX);
TANBA_OSSL_HANDLE(Cert, X509);
TANBA_OSSL_HANDLE(Pubkey, X509_PUBKEY);
TANBA_OSSL_HANDLE(Req, X509_REQ);
TANBA_OSSL_HANDLE(Name, X509_NAME);
TANBA_OSSL_HANDLE(Extension, X509_EXTENSION);
TANBA_OSSL_HANDLE(Asn1Integer, ASN1_INTEGER);
TANBA_OSSL_HANDLE(Asn1Time, ASN1_TIME);
TANBA_OSSL_HANDLE(Asn1Object, ASN1_OBJECT);
TANBA_OSSL_HANDLE(Asn1OctetString, ASN1_OCTET_STRING);
TANBA_OSSL_HANDLE(BasicConstraints, BASIC_CONSTRAINTS);
TANBA_OSSL_HANDLE(KeyUsageBits, ASN1_BIT_STRING);
TANBA_OSSL_HANDLE(ExtKeyUsage, EXTENDED_KEY_USAGE);
TANBA_OSSL_HANDLE(CertPolicies, CERTIFICATEPOLICIES);
TANBA_OSSL_HANDLE(GeneralNames, GENERAL_NAMES);
TANBA_OSSL_HANDLE(AuthorityKeyId, AUTHORITY_KEYID);
TANBA_OSSL_HANDLE(Pkcs8Info, PKCS8_PRIV_KEY_INFO);
TANBA_OSSL_HANDLE(X509Sig, X509_SIG);
TANBA_OSSL_HANDLE(DecoderCtx, OSSL_DECODER_CTX);
TANBA_OSSL_HANDLE(EncoderCtx, OSSL_ENCODER_CTX);
TANBA_OSSL_HANDLE(Pkcs12, PKCS12);
TANBA_OSSL_HANDLE(Provider, OSSL_PROVIDER);
TANBA_OSSL_HANDLE(ParamBuilder, OSSL_PARAM_BLD);
TANBA_OSSL_HANDLE(Params, OSSL_PARAM);
TANBA_OSSL_HANDLE(AuthorityInfoAccess, AUTHORITY_INFO_ACCESS);
TANBA_OSSL_HANDLE(CmsContent, CMS_ContentInfo);
TANBA_OSSL_HANDLE(EssSigningCert, ESS_SIGNING_CERT);
TANBA_OSSL_HANDLE(EssSigningCertV2, ESS_SIGNING_CERT_V2);
TANBA_OSSL_HANDLE(OcspResponse, OCSP_RESPONSE);
TANBA_OSSL_HANDLE(OcspRequest, OCSP_REQUEST);
TANBA_OSSL_HANDLE(OcspBasic, OCSP_BASICRESP);
TANBA_OSSL_HANDLE(OcspCertId, OCSP_CERTID);
TANBA_OSSL_HANDLE(TsRespCtx, TS_RESP_CTX);
TANBA_OSSL_HANDLE(TsResp, TS_RESP);
TANBA_OSSL_HANDLE(TsReq, TS_REQ);
TANBA_OSSL_HANDLE(TsMsgImprint, TS_MSG_IMPRINT);
TANBA_OSSL_HANDLE(Algor, X509_ALGOR);
TANBA_OSSL_HANDLE(Pkcs7, PKCS7);
TANBA_OSSL_HANDLE(TsTstInfo, TS_TST_INFO);
TANBA_OSSL_HANDLE(TsVerifyCtx, TS_VERIFY_CTX);
TANBA_OSSL_HANDLE(Crl, X509_CRL);
TANBA_OSSL_HANDLE(NameConstraints, NAME_CONSTRAINTS);
TANBA_OSSL_HANDLE(PolicyConstraints, POLICY_CONSTRAINTS);
TANBA_OSSL_HANDLE(CrlDistPoints, CRL_DIST_POINTS);
TANBA_OSSL_HANDLE(IssuingDistPoint, ISSUING_DIST_POINT);
TANBA_OSSL_HANDLE(Asn1Enumerated, ASN1_ENUMERATED);
TANBA_OSSL_HANDLE(Asn1GeneralizedTime, ASN1_GENERALIZEDTIME);
TANBA_OSSL_HANDLE(PolicyMappings, POLICY_MAPPINGS);
TANBA_OSSL_HANDLE(CertStack, STACK_OF(X509));
TANBA_OSSL_HANDLE(Pkcs7Stack, struct stack_st_PKCS7);
TANBA_OSSL_HANDLE(SafeBagStack, struct stack_st_PKCS12_SAFEBAG);
TANBA_OSSL_HANDLE(ExtensionStack, STACK_OF(X509_EXTENSION));
TANBA_OSSL_HANDLE(EcdsaSig, ECDSA_SIG);
TANBA_OSSL_HANDLE(OpenSslString, char);
TANBA_OSSL_HANDLE(OpenSslBytes, unsigned char);

#undef TANBA_OSSL_HANDLE

/// Shares ownership of an X509 / EVP_PKEY (up-ref), for objects returned by get0 accessors.
Cert up_ref(X509* cert);
PKey up_ref(EVP_PKEY* key);

}  // namespace tanba::ossl
