#include "tanba/x509/certificate.hpp"

#include <openssl/x509v3.h>

#include "key_usage.hpp"

#include "tanba/ident/identifiers.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"
#include "tanba/ossl/runtime.hpp"

namespace tanba::x509 {

Certificate Certificate::from_der(ByteView der) {
    ossl::clear_errors();
    auto state = std::make_shared<State>();
    state->der.assign(der.begin(), der.end());
    std::call_once(state->parsed, [&] { state->cert = ossl::cert_from_der(state->der); });
    return Certificate(std::move(state));
}

Certificate Certificate::from_trusted_der(Bytes der) {
    auto state = std::make_shared<State>();
    state->der = std::move(der);
    return Certificate(std::move(state));
}

X509* Certificate::get() const {
    std::call_once(state_->parsed, [this] { state_->cert = ossl::cert_from_der(state_->der); });
    return state_->cert.get();
}

std::vector<Certificate> Certificate::load_all(ByteView data) {
    std::vector<Certificate> out;
    for (auto& der : ossl::der_objects(data, {"CERTIFICATE"}, ErrorCode::CERT_DECODE_FAILED)) out.push_back(from_der(der));
    return out;
}

Certificate Certificate::adopt(ossl::Cert cert) {
    auto state = std::make_shared<State>();
    state->der = ossl::cert_to_der(cert.get());
    std::call_once(state->parsed, [&] { state->cert = std::move(cert); });
    return Certificate(std::move(state));
}

Certificate Certificate::load(ByteView data) { return std::move(load_all(data).front()); }

std::string Certificate::pem() const { return ossl::to_pem(state_->der, "CERTIFICATE"); }

const EVP_PKEY* Certificate::public_key() const {
    const EVP_PKEY* k = X509_get0_pubkey(get());
    if (!k) ossl::clear_errors();
    return k;
}

Bytes Certificate::public_key_der() const { return ossl::encode(X509_get_X509_PUBKEY(get()), i2d_X509_PUBKEY, "public key"); }

Bytes Certificate::serial() const { return ossl::integer_bytes(X509_get0_serialNumber(get())); }
std::string Certificate::serial_hex() const {
    const bool negative = ASN1_STRING_type(X509_get0_serialNumber(get())) == V_ASN1_NEG_INTEGER;
    return (negative ? "-" : "") + to_hex(serial());
}
TimePoint Certificate::not_before() const { return ossl::to_time_point(X509_get0_notBefore(get())); }
TimePoint Certificate::not_after() const { return ossl::to_time_point(X509_get0_notAfter(get())); }
bool Certificate::is_ca() const { return X509_check_ca(get()) > 0; }

std::optional<int> Certificate::path_length() const {
    long n = X509_get_pathlen(get());
    if (n < 0) return std::nullopt;
    return static_cast<int>(n);
}

bool Certificate::self_signed() const {
    bool ok = X509_self_signed(get(), 1) == 1;
    ossl::clear_errors();
    return ok;
}

bool Certificate::signed_by(const EVP_PKEY* key) const {
    bool ok = key && X509_verify(get(), const_cast<EVP_PKEY*>(key)) == 1;
    ossl::clear_errors();
    return ok;
}

std::string Certificate::subject_text() const { return to_text(X509_get_subject_name(get())); }
std::string Certificate::issuer_text() const { return to_text(X509_get_issuer_name(get())); }
std::string Certificate::sha256_fingerprint() const { return to_hex(ossl::sha256(state_->der)); }

std::string_view to_string(IdentifierStatus s) {
    switch (s) {
        case IdentifierStatus::Absent: return "absent";
        case IdentifierStatus::Valid: return "valid";
        case IdentifierStatus::Invalid: return "invalid";
    }
    return "?";
}

std::string_view to_string(UsageClass u) {
    switch (u) {
        case UsageClass::Auth: return "AUTH";
        case UsageClass::Sign: return "SIGN";
        case UsageClass::Unknown: return "UNKNOWN";
    }
    return "?";
}

namespace {

IdentifierField identifier(const std::string& value, ident::IdType type) {
    IdentifierField f;
    f.value = value;
    if (value.empty()) return f;
    auto r = ident::check(value, type);
    f.status = r.valid() ? IdentifierStatus::Valid : IdentifierStatus::Invalid;
    f.failure = r.failure;
    return f;
}

std::string object_name(const ASN1_OBJECT* obj) {
    int nid = OBJ_obj2nid(obj);
    if (nid != NID_undef) return OBJ_nid2sn(nid);
    return ossl::oid_text(obj);
}

void read_extensions(X509* x, CertificateInfo& info) {
    int crit = 0;
    if (ossl::KeyUsageBits ku{static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(x, NID_key_usage, &crit, nullptr))}) {
        for (auto name : key_usage_names(ku.get())) info.key_usage.emplace_back(name);
        bool ds = ASN1_BIT_STRING_get_bit(ku.get(), 0), nr = ASN1_BIT_STRING_get_bit(ku.get(), 1),
             ke = ASN1_BIT_STRING_get_bit(ku.get(), 2);
        info.usage_class = ds && nr ? UsageClass::Sign : ds && ke ? UsageClass::Auth : UsageClass::Unknown;
    }
    if (ossl::ExtKeyUsage eku{static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, &crit, nullptr))}) {
        for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
            const ASN1_OBJECT* o = sk_ASN1_OBJECT_value(eku.get(), i);
            std::string dotted = ossl::oid_text(o);
            info.extended_key_usage.push_back(object_name(o));
            if (auto* n = ossl::find_national_oid(dotted); n && n->kind == ossl::OidKind::Role)
                info.roles.push_back({dotted, std::string(n->long_name)});
        }
    }
    if (ossl::CertPolicies pol{static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(x, NID_certificate_policies, &crit, nullptr))}) {
        for (int i = 0; i < sk_POLICYINFO_num(pol.get()); ++i)
            info.policies.push_back(ossl::oid_text(sk_POLICYINFO_value(pol.get(), i)->policyid));
    }
    if (ossl::BasicConstraints bc{static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr))}) {
        info.is_ca = bc->ca != 0;
        if (bc->pathlen) info.path_length = static_cast<int>(ASN1_INTEGER_get(bc->pathlen));
    }
    ossl::clear_errors();
}

}  // namespace

CertificateInfo describe(const Certificate& cert) {
    X509* x = cert.get();
    CertificateInfo info;
    info.subject = cert.subject_text();
    info.issuer = cert.issuer_text();
    info.serial_hex = cert.serial_hex();
    info.sha256 = cert.sha256_fingerprint();
    info.subject_attributes = attributes(X509_get_subject_name(x));
    info.subject_text_findings = name_text_findings(X509_get_subject_name(x));
    info.identity = identity_from_name(X509_get_subject_name(x));
    info.iin = identifier(info.identity.iin, ident::IdType::Iin);
    info.bin = identifier(info.identity.bin, ident::IdType::Bin);
    info.pinfl = identifier(info.identity.pinfl, ident::IdType::Pinfl);
    info.tin = identifier(info.identity.tin, ident::IdType::Tin);
    info.legal_tin = identifier(info.identity.legal_tin, ident::IdType::Tin);
    info.not_before = cert.not_before();
    info.not_after = cert.not_after();
    read_extensions(x, info);

    const X509_ALGOR* sig_alg = nullptr;
    X509_get0_signature(nullptr, &sig_alg, x);
    const ASN1_OBJECT* sig_obj = nullptr;
    X509_ALGOR_get0(&sig_obj, nullptr, nullptr, sig_alg);
    info.signature_algorithm = ossl::oid_name(sig_obj);

    ASN1_OBJECT* key_obj = nullptr;
    X509_PUBKEY_get0_param(&key_obj, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x));
    info.public_key_algorithm = key_obj ? ossl::oid_name(key_obj) : "unknown";
    if (EVP_PKEY* pk = X509_get0_pubkey(x)) info.public_key_bits = EVP_PKEY_get_bits(pk);
    ossl::clear_errors();
    return info;
}

void require_key_of(const keys::Signer& key, const Certificate& cert) {
    const bool same = key.public_key() ? keys::same_public_key(key.public_key(), cert.public_key())
                                       : key.public_key_der() == cert.public_key_der();  // a key OpenSSL cannot hold (GOST)
    if (!same)
        throw Error(ErrorCode::KEY_MISMATCH, key.describe() + " does not belong to " + cert.subject_text());
}

}  // namespace tanba::x509
