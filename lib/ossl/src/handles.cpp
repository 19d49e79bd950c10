// The deleters of the handles in handles.hpp.
#include "tanba/ossl/handles.hpp"

#include <openssl/ec.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace tanba::ossl {

void BioFree::operator()(BIO* p) const noexcept { BIO_free_all(p); }
void BigNumFree::operator()(BIGNUM* p) const noexcept { BN_free(p); }
void PKeyFree::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
void PKeyCtxFree::operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
void MdCtxFree::operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
void CertFree::operator()(X509* p) const noexcept { X509_free(p); }
void PubkeyFree::operator()(X509_PUBKEY* p) const noexcept { X509_PUBKEY_free(p); }
void ReqFree::operator()(X509_REQ* p) const noexcept { X509_REQ_free(p); }
void NameFree::operator()(X509_NAME* p) const noexcept { X509_NAME_free(p); }
void ExtensionFree::operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
void Asn1IntegerFree::operator()(ASN1_INTEGER* p) const noexcept { ASN1_INTEGER_free(p); }
void Asn1TimeFree::operator()(ASN1_TIME* p) const noexcept { ASN1_TIME_free(p); }
void Asn1ObjectFree::operator()(ASN1_OBJECT* p) const noexcept { ASN1_OBJECT_free(p); }
void Asn1OctetStringFree::operator()(ASN1_OCTET_STRING* p) const noexcept { ASN1_OCTET_STRING_free(p); }
void BasicConstraintsFree::operator()(BASIC_CONSTRAINTS* p) const noexcept { BASIC_CONSTRAINTS_free(p); }
void KeyUsageBitsFree::operator()(ASN1_BIT_STRING* p) const noexcept { ASN1_BIT_STRING_free(p); }
void ExtKeyUsageFree::operator()(EXTENDED_KEY_USAGE* p) const noexcept { EXTENDED_KEY_USAGE_free(p); }
void CertPoliciesFree::operator()(CERTIFICATEPOLICIES* p) const noexcept { CERTIFICATEPOLICIES_free(p); }
void GeneralNamesFree::operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
void AuthorityKeyIdFree::operator()(AUTHORITY_KEYID* p) const noexcept { AUTHORITY_KEYID_free(p); }
void Pkcs8InfoFree::operator()(PKCS8_PRIV_KEY_INFO* p) const noexcept { PKCS8_PRIV_KEY_INFO_free(p); }
void X509SigFree::operator()(X509_SIG* p) const noexcept { X509_SIG_free(p); }
void DecoderCtxFree::operator()(OSSL_DECODER_CTX* p) const noexcept { OSSL_DECODER_CTX_free(p); }
void EncoderCtxFree::operator()(OSSL_ENCODER_CTX* p) const noexcept { OSSL_ENCODER_CTX_free(p); }
void Pkcs12Free::operator()(PKCS12* p) const noexcept { PKCS12_free(p); }
void ProviderFree::operator()(OSSL_PROVIDER* p) const noexcept { OSSL_PROVIDER_unload(p); }
void ParamBuilderFree::operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
void ParamsFree::operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
void AuthorityInfoAccessFree::operator()(AUTHORITY_INFO_ACCESS* p) const noexcept { AUTHORITY_INFO_ACCESS_free(p); }
void CmsContentFree::operator()(CMS_ContentInfo* p) const noexcept { CMS_ContentInfo_free(p); }
void EssSigningCertFree::operator()(ESS_SIGNING_CERT* p) const noexcept { ESS_SIGNING_CERT_free(p); }
void EssSigningCertV2Free::operator()(ESS_SIGNING_CERT_V2* p) const noexcept { ESS_SIGNING_CERT_V2_free(p); }
void OcspResponseFree::operator()(OCSP_RESPONSE* p) const noexcept { OCSP_RESPONSE_free(p); }
void OcspRequestFree::operator()(OCSP_REQUEST* p) const noexcept { OCSP_REQUEST_free(p); }
void OcspBasicFree::operator()(OCSP_BASICRESP* p) const noexcept { OCSP_BASICRESP_free(p); }
void OcspCertIdFree::operator()(OCSP_CERTID* p) const noexcept { OCSP_CERTID_free(p); }
void TsRespCtxFree::operator()(TS_RESP_CTX* p) const noexcept { TS_RESP_CTX_free(p); }
void TsRespFree::operator()(TS_RESP* p) const noexcept { TS_RESP_free(p); }
void TsReqFree::operator()(TS_REQ* p) const noexcept { TS_REQ_free(p); }
void TsMsgImprintFree::operator()(TS_MSG_IMPRINT* p) const noexcept { TS_MSG_IMPRINT_free(p); }
void AlgorFree::operator()(X509_ALGOR* p) const noexcept { X509_ALGOR_free(p); }
void Pkcs7Free::operator()(PKCS7* p) const noexcept { PKCS7_free(p); }
void TsTstInfoFree::operator()(TS_TST_INFO* p) const noexcept { TS_TST_INFO_free(p); }
void TsVerifyCtxFree::operator()(TS_VERIFY_CTX* p) const noexcept { TS_VERIFY_CTX_free(p); }
void CrlFree::operator()(X509_CRL* p) const noexcept { X509_CRL_free(p); }
void NameConstraintsFree::operator()(NAME_CONSTRAINTS* p) const noexcept { NAME_CONSTRAINTS_free(p); }
void PolicyConstraintsFree::operator()(POLICY_CONSTRAINTS* p) const noexcept { POLICY_CONSTRAINTS_free(p); }
void CrlDistPointsFree::operator()(CRL_DIST_POINTS* p) const noexcept { CRL_DIST_POINTS_free(p); }
void IssuingDistPointFree::operator()(ISSUING_DIST_POINT* p) const noexcept { ISSUING_DIST_POINT_free(p); }
void Asn1EnumeratedFree::operator()(ASN1_ENUMERATED* p) const noexcept { ASN1_ENUMERATED_free(p); }
void Asn1GeneralizedTimeFree::operator()(ASN1_GENERALIZEDTIME* p) const noexcept { ASN1_GENERALIZEDTIME_free(p); }
void PolicyMappingsFree::operator()(POLICY_MAPPINGS* p) const noexcept { sk_POLICY_MAPPING_pop_free(p, POLICY_MAPPING_free); }
void CertStackFree::operator()(struct stack_st_X509* p) const noexcept { sk_X509_pop_free(p, X509_free); }
void Pkcs7StackFree::operator()(struct stack_st_PKCS7* p) const noexcept { sk_PKCS7_pop_free(p, PKCS7_free); }
void SafeBagStackFree::operator()(struct stack_st_PKCS12_SAFEBAG* p) const noexcept { sk_PKCS12_SAFEBAG_pop_free(p, PKCS12_SAFEBAG_free); }
void ExtensionStackFree::operator()(struct stack_st_X509_EXTENSION* p) const noexcept { sk_X509_EXTENSION_pop_free(p, X509_EXTENSION_free); }
void OpenSslStringFree::operator()(char* p) const noexcept { OPENSSL_free(p); }
void EcdsaSigFree::operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
void OpenSslBytesFree::operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }

}  // namespace tanba::ossl
