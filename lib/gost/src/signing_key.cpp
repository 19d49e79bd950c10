#include "tanba/gost/signing_key.hpp"

#include <botan/asn1_obj.h>
#include <botan/auto_rng.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/gost_3410.h>
#include <botan/pubkey.h>

#include <algorithm>

#include "tanba/base/error.hpp"

namespace tanba::gost {
namespace {

struct Layout {
    const char* key;
    const char* curve;
    const char* digest;
};
// The AlgorithmIdentifier OIDs of each algorithm's keys, in both OID sets.
Layout layout(Algorithm a, OidSet oids) {
    const bool kz = oids == OidSet::Kz;
    if (a == Algorithm::Kz2015_512)
        return kz ? Layout{"1.2.398.3.10.1.1.2.2", "1.2.398.3.10.1.1.2.2.1", "1.2.398.3.10.1.3.3"}
                  : Layout{"1.2.643.7.1.1.1.2", "1.2.643.7.1.2.1.2.1", "1.2.643.7.1.1.2.3"};
    return kz ? Layout{"1.2.398.3.10.1.1.1.1", "1.2.398.3.10.1.1.1.1.1", "1.2.398.3.10.1.3.1.1.0"}
              : Layout{"1.2.643.2.2.19", "1.2.643.2.2.35.1", "1.2.643.2.2.30.0"};
}

const char* group_of(Algorithm a) { return a == Algorithm::Kz2015_512 ? "gost_512A" : "gost_256A"; }

Botan::secure_vector<std::uint8_t> little_endian(const Botan::BigInt& n, std::size_t size) {
    auto bytes = Botan::BigInt::encode_1363(n, size);
    std::reverse(bytes.begin(), bytes.end());
    return bytes;
}

std::vector<std::uint8_t> algorithm_identifier(Algorithm a, OidSet oids) {
    const auto l = layout(a, oids);
    std::vector<std::uint8_t> params;
    Botan::DER_Encoder(params).start_cons(Botan::SEQUENCE).encode(Botan::OID(l.curve)).encode(Botan::OID(l.digest)).end_cons();
    std::vector<std::uint8_t> out;
    Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(Botan::OID(l.key)).raw_bytes(params).end_cons();
    return out;
}

}  // namespace

struct SigningKey::State {
    Botan::AutoSeeded_RNG rng;
    std::unique_ptr<Botan::GOST_3410_PrivateKey> key;
};

SigningKey::SigningKey(Algorithm a, std::unique_ptr<State> s) : algorithm_(a), state_(std::move(s)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate(Algorithm a) {
    if (a != Algorithm::Kz2015_512 && a != Algorithm::Kz2004) throw Error(ErrorCode::KEY_UNSUPPORTED, "GOST keys are generated for GOST-2015-512 and GOST-2004");
    auto s = std::make_unique<State>();
    s->key = std::make_unique<Botan::GOST_3410_PrivateKey>(s->rng, Botan::EC_Group(group_of(a)));
    return SigningKey(a, std::move(s));
}

SigningKey SigningKey::from_pkcs8(ByteView der) {
    try {
        std::size_t version = 0;
        Botan::AlgorithmIdentifier alg;
        Botan::secure_vector<std::uint8_t> private_key;
        Botan::BER_Decoder(der.data(), der.size())
            .start_cons(Botan::SEQUENCE)
            .decode(version)
            .decode(alg)
            .decode(private_key, Botan::OCTET_STRING)
            .end_cons();
        const auto key_oid = alg.get_oid().to_string();
        std::optional<Algorithm> a;
        for (auto candidate : {Algorithm::Kz2015_512, Algorithm::Kz2004})
            for (auto oids : {OidSet::Kz, OidSet::Russian})
                if (key_oid == layout(candidate, oids).key) a = candidate;
        if (!a || version != 0) throw Error(ErrorCode::KEY_DECODE_FAILED, "not a GOST PKCS#8 key (" + key_oid + ")");
        // The scalar: an OCTET STRING, little-endian (RFC 4491, what pkcs8() writes), or an
        // INTEGER (what Kalkan writes).
        Botan::BigInt x;
        Botan::BER_Decoder inner(private_key);
        if (!private_key.empty() && private_key[0] == Botan::INTEGER) {
            inner.decode(x);
        } else {
            Botan::secure_vector<std::uint8_t> scalar;
            inner.decode(scalar, Botan::OCTET_STRING);
            std::reverse(scalar.begin(), scalar.end());
            x = Botan::BigInt(scalar.data(), scalar.size());
        }
        auto s = std::make_unique<State>();
        s->key = std::make_unique<Botan::GOST_3410_PrivateKey>(s->rng, Botan::EC_Group(group_of(*a)), x);
        return SigningKey(*a, std::move(s));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorCode::KEY_DECODE_FAILED, std::string("GOST PKCS#8: ") + e.what());
    }
}

Bytes SigningKey::spki(OidSet oids) const {
    const auto& group = state_->key->domain();
    const auto& point = state_->key->public_point();
    auto xy = little_endian(point.get_affine_x(), group.get_p_bytes());
    const auto y = little_endian(point.get_affine_y(), group.get_p_bytes());
    xy.insert(xy.end(), y.begin(), y.end());
    std::vector<std::uint8_t> key_bits;
    Botan::DER_Encoder(key_bits).encode(xy, Botan::OCTET_STRING);
    std::vector<std::uint8_t> out;
    Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).raw_bytes(algorithm_identifier(algorithm_, oids)).encode(key_bits, Botan::BIT_STRING).end_cons();
    return Bytes(out.begin(), out.end());
}

Bytes SigningKey::pkcs8(OidSet oids) const {
    Botan::secure_vector<std::uint8_t> scalar_octets;
    Botan::DER_Encoder(scalar_octets).encode(little_endian(state_->key->private_value(), state_->key->domain().get_order_bytes()), Botan::OCTET_STRING);
    Botan::secure_vector<std::uint8_t> out;
    Botan::DER_Encoder(out)
        .start_cons(Botan::SEQUENCE)
        .encode(std::size_t{0})
        .raw_bytes(algorithm_identifier(algorithm_, oids))
        .encode(scalar_octets, Botan::OCTET_STRING)
        .end_cons();
    return Bytes(out.begin(), out.end());
}

Bytes SigningKey::sign(ByteView data) const {
    const auto hash = digest(algorithm_, data);
    Botan::PK_Signer signer(*state_->key, state_->rng, "Raw");
    auto sig = signer.sign_message(hash.data(), hash.size(), state_->rng);  // s‖r big-endian
    std::reverse(sig.begin(), sig.end());                                    // → r‖s little-endian
    return Bytes(sig.begin(), sig.end());
}

}  // namespace tanba::gost
