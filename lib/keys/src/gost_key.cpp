#include "tanba/keys/gost_key.hpp"

#include <openssl/x509.h>

#include "pkcs8.hpp"
#include "tanba/gost/signing_key.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"

namespace tanba::keys {
namespace {

std::optional<gost::Algorithm> algorithm_of(const KeySpec& spec) {
    if (spec.algorithm == KeyAlgorithm::Gost2015_512) return gost::Algorithm::Kz2015_512;
    if (spec.algorithm == KeyAlgorithm::Gost2004) return gost::Algorithm::Kz2004;
    return std::nullopt;
}

// Whether a PrivateKeyInfo holds a GOST key (KZ or Russian OIDs).
bool holds_gost(const PKCS8_PRIV_KEY_INFO* info) {
    const ASN1_OBJECT* oid = nullptr;
    return PKCS8_pkey_get0(&oid, nullptr, nullptr, nullptr, info) == 1 && gost::is_gost_key(ossl::oid_text(oid));
}

}  // namespace

GostKey::GostKey(std::unique_ptr<gost::SigningKey> key, std::string origin) : key_(std::move(key)), origin_(std::move(origin)) {}
GostKey::GostKey(GostKey&&) noexcept = default;
GostKey& GostKey::operator=(GostKey&&) noexcept = default;
GostKey::~GostKey() = default;

GostKey GostKey::generate(const KeySpec& spec) {
    const auto a = algorithm_of(spec);
    if (!a) throw Error(ErrorCode::KEY_UNSUPPORTED, to_string(spec) + " is not a GOST key");
    return GostKey(std::make_unique<gost::SigningKey>(gost::SigningKey::generate(*a)), "new " + to_string(spec) + " key");
}

std::optional<GostKey> GostKey::load(ByteView data, const Secret* passphrase, std::string origin) {
    if (is_pkcs12(data)) {
        if (!passphrase) throw Error(ErrorCode::KEY_BAD_PASSPHRASE, origin + " is a PKCS#12: a passphrase is needed");
        auto raw = pkcs12_raw(data, *passphrase, origin);
        auto key = from_private_key_info(raw.private_key_info, std::move(origin));
        std::fill(raw.private_key_info.begin(), raw.private_key_info.end(), std::uint8_t{0});
        return key;
    }
    const auto info = detail::pkcs8_info(data, passphrase, origin);
    if (!info || !holds_gost(info.get())) return std::nullopt;
    auto der = ossl::encode(info.get(), i2d_PKCS8_PRIV_KEY_INFO, "PKCS#8");
    auto key = std::make_unique<gost::SigningKey>(gost::SigningKey::from_pkcs8(der));
    std::fill(der.begin(), der.end(), std::uint8_t{0});
    return GostKey(std::move(key), std::move(origin));
}

std::optional<GostKey> GostKey::from_private_key_info(ByteView der, std::string origin) {
    const unsigned char* p = der.data();
    const ossl::Pkcs8Info info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    if (!info || !holds_gost(info.get())) return std::nullopt;
    return GostKey(std::make_unique<gost::SigningKey>(gost::SigningKey::from_pkcs8(der)), std::move(origin));
}

NewKey generate_key(const KeySpec& spec, const Secret* passphrase) {
    if (algorithm_of(spec)) {
        auto key = std::make_unique<GostKey>(GostKey::generate(spec));
        auto pem = key->to_pem(passphrase);
        return {std::move(key), std::move(pem)};
    }
    auto key = std::make_unique<SoftwareKey>(SoftwareKey::generate(spec));
    auto pem = key->to_pem(passphrase);
    return {std::move(key), std::move(pem)};
}

KeySpec GostKey::spec() const {
    return key_->algorithm() == gost::Algorithm::Kz2015_512 ? KeySpec{KeyAlgorithm::Gost2015_512, 512} : KeySpec{KeyAlgorithm::Gost2004, 256};
}

Bytes GostKey::public_key_der() const { return key_->spki(); }

std::string GostKey::digest_algorithm(const SignOptions&) const {
    return key_->algorithm() == gost::Algorithm::Kz2015_512 ? "1.2.398.3.10.1.3.3" : "1.2.398.3.10.1.3.1";
}

Bytes GostKey::algorithm_identifier(const SignOptions&) const {
    // SEQUENCE { OID } without parameters, as NCA RK writes it.
    static const Bytes k2015{0x30, 0x0c, 0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x03, 0x02};  // 1.2.398.3.10.1.1.2.3.2
    static const Bytes k2004{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x01, 0x02};        // 1.2.398.3.10.1.1.1.2
    return key_->algorithm() == gost::Algorithm::Kz2015_512 ? k2015 : k2004;
}

Bytes GostKey::sign(ByteView message, const SignOptions&) const { return key_->sign(message); }

std::string GostKey::to_pem(const Secret* passphrase) const {
    auto der = key_->pkcs8();
    const unsigned char* p = der.data();
    const ossl::Pkcs8Info info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    std::fill(der.begin(), der.end(), std::uint8_t{0});
    ossl::check(info != nullptr, ErrorCode::CRYPTO_FAILURE, "encoding the GOST PKCS#8");
    return detail::pkcs8_pem(info.get(), passphrase);
}

}  // namespace tanba::keys
