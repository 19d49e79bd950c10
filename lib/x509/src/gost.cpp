#include "tanba/x509/gost.hpp"

#include <openssl/x509.h>

#include "tanba/base/der.hpp"
#include "tanba/gost/signature.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::x509 {
namespace {

Bytes spki_of(const X509* cert) { return ossl::encode(X509_get_X509_PUBKEY(cert), i2d_X509_PUBKEY, "SubjectPublicKeyInfo"); }

std::string algorithm_oid(ByteView algorithm) {
    const unsigned char* p = algorithm.data();
    const ossl::Algor alg(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(algorithm.size())));
    if (!alg) return {};
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, alg.get());
    return ossl::oid_text(oid);
}

}  // namespace

GostCheck check_gost_signature(gost::Algorithm algorithm, ByteView data, ByteView signature, const X509* signer) {
    return check_gost_signature(algorithm, data, signature, ByteView(spki_of(signer)));
}

GostCheck check_gost_signature(gost::Algorithm algorithm, ByteView data, ByteView signature, ByteView spki) {
    const auto check = gost::verify(algorithm, spki, data, signature);  // the key is read once, there
    if (check.key_unsupported) return {GostVerdict::Unsupported, check.problem, std::nullopt};
    if (!check.valid) return {GostVerdict::Invalid, check.problem, std::nullopt};
    const auto order = check.order == gost::ByteOrder::LittleEndianRS ? GostOrder::Nca : GostOrder::Rfc4491;
    return {GostVerdict::Valid, std::string(gost_order_text(order)), order};
}

GostCheck check_gost_signature(ByteView der, const X509* signer) { return check_gost_signature(der, ByteView(spki_of(signer))); }

GostCheck check_gost_signature(ByteView der, ByteView signer_spki) {
    const auto outer = der::element_at(der, 0);
    const auto tbs = outer ? der::element_at(der, outer->content) : std::nullopt;
    const auto alg = tbs ? der::element_at(der, tbs->end) : std::nullopt;
    const auto sig = alg ? der::element_at(der, alg->end) : std::nullopt;
    if (!sig || sig->tag != 0x03 || sig->end == sig->content) return {};
    const auto algorithm = gost::signature_algorithm(algorithm_oid(alg->of(der)));
    if (!algorithm) return {};
    return check_gost_signature(*algorithm, tbs->of(der), der.subspan(sig->content + 1, sig->end - sig->content - 1), signer_spki);
}

std::string_view gost_order_text(GostOrder order) {
    return order == GostOrder::Nca ? "r||s little-endian (NCA RK)" : "s||r big-endian (RFC 4491)";
}

namespace {
std::string key_oid(const X509_PUBKEY* spki) {
    const ASN1_OBJECT* oid = nullptr;
    if (!spki || X509_PUBKEY_get0_param(const_cast<ASN1_OBJECT**>(&oid), nullptr, nullptr, nullptr, spki) != 1 || !oid) return {};
    return ossl::oid_text(oid);
}
}  // namespace

bool has_gost_key(const X509* cert) { return gost::is_gost_key(key_oid(X509_get_X509_PUBKEY(cert))); }

std::optional<keys::KeySpec> gost_key_spec(const X509_PUBKEY* spki) {
    const auto text = key_oid(spki);
    if (text == "1.2.398.3.10.1.1.1.1" || text == "1.2.643.2.2.19") return keys::KeySpec{keys::KeyAlgorithm::Gost2004, 256};
    if (text == "1.2.398.3.10.1.1.2.2" || text == "1.2.643.7.1.1.1.2") return keys::KeySpec{keys::KeyAlgorithm::Gost2015_512, 512};
    return std::nullopt;  // a GOST key this build does not issue for (2012-256)
}

}  // namespace tanba::x509
