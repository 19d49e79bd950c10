// JWS, JWK and JWKS through OpenSSL and keys::Signer.
#include "jose.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::oidc::jose {
namespace {

constexpr std::size_t kMaxJwt = 16 * 1024;

std::string b64u(ByteView data) { return base64_encode(data, Base64::Url); }
std::string b64u(std::string_view text) { return b64u(as_bytes(text)); }


std::optional<Bytes> b64u_field(const nlohmann::json& j, const char* name) {
    const auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return base64_decode(it->get<std::string>(), Base64::Url);
}

ossl::PKey from_params(const char* type, ossl::ParamBuilder& bld) {
    ossl::Params params(OSSL_PARAM_BLD_to_param(bld.get()));
    ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 || EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        ossl::clear_errors();
        return nullptr;
    }
    return ossl::PKey(key);
}

std::optional<keys::SignOptions> options_of(std::string_view alg) {
    using keys::HashAlg, keys::RsaPadding;
    if (alg == "EdDSA") return keys::SignOptions{HashAlg::None, RsaPadding::Pkcs1v15};
    if (alg.size() != 5 || (alg[0] != 'R' && alg[0] != 'P' && alg[0] != 'E')) return std::nullopt;
    const auto bits = alg.substr(2);
    const HashAlg h = bits == "256" ? HashAlg::Sha256 : bits == "384" ? HashAlg::Sha384 : bits == "512" ? HashAlg::Sha512 : HashAlg::None;
    if (h == HashAlg::None || alg[1] != 'S' || alg == "ES512") return std::nullopt;
    return keys::SignOptions{h, alg[0] == 'P' ? RsaPadding::Pss : RsaPadding::Pkcs1v15};
}

bool key_fits(const EVP_PKEY* key, std::string_view alg) {
    const int id = EVP_PKEY_get_base_id(key);
    if (alg == "EdDSA") return id == EVP_PKEY_ED25519;
    if (alg[0] == 'E') return id == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == (alg == "ES256" ? 256 : 384);
    return id == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048;
}

}  // namespace

std::string alg_of(keys::KeySpec spec) {
    switch (spec.algorithm) {
        case keys::KeyAlgorithm::EcP256: return "ES256";
        case keys::KeyAlgorithm::EcP384: return "ES384";
        case keys::KeyAlgorithm::Rsa: return "RS256";
        case keys::KeyAlgorithm::Ed25519: return "EdDSA";
        case keys::KeyAlgorithm::Gost2015_512:
        case keys::KeyAlgorithm::Gost2004: break;
    }
    throw Error(ErrorCode::KEY_UNSUPPORTED, "no JWS algorithm for this key");
}

keys::HashAlg hash_of(std::string_view alg) {
    const auto o = options_of(alg);
    return !o ? keys::HashAlg::Sha256 : o->hash == keys::HashAlg::None ? keys::HashAlg::Sha512 : o->hash;
}

nlohmann::json public_jwk(const EVP_PKEY* key, keys::KeySpec spec) {
    nlohmann::json jwk;
    switch (spec.algorithm) {
        case keys::KeyAlgorithm::EcP256:
        case keys::KeyAlgorithm::EcP384: {
            const std::size_t n = spec.algorithm == keys::KeyAlgorithm::EcP256 ? 32 : 48;
            jwk = {{"kty", "EC"}, {"crv", n == 32 ? "P-256" : "P-384"},
                   {"x", b64u(ossl::bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, n))}, {"y", b64u(ossl::bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, n))}};
            break;
        }
        case keys::KeyAlgorithm::Rsa:
            jwk = {{"kty", "RSA"}, {"n", b64u(ossl::bn_param(key, OSSL_PKEY_PARAM_RSA_N))}, {"e", b64u(ossl::bn_param(key, OSSL_PKEY_PARAM_RSA_E))}};
            break;
        case keys::KeyAlgorithm::Ed25519: {
            unsigned char pub[32];
            std::size_t len = 0;
            if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len) != 1 || len != 32)
                throw ossl::error(ErrorCode::CRYPTO_FAILURE, "reading an Ed25519 key");
            jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64u(ByteView(pub, len))}};
            break;
        }
        case keys::KeyAlgorithm::Gost2015_512:
        case keys::KeyAlgorithm::Gost2004: throw Error(ErrorCode::KEY_UNSUPPORTED, "no JWS algorithm for a GOST key");
    }
    // RFC 7638: the required members in lexicographic order without white space, which is how
    // nlohmann::json serialises an object.
    jwk["kid"] = b64u(ossl::sha256(as_bytes(jwk.dump())));
    jwk["alg"] = alg_of(spec);
    jwk["use"] = "sig";
    return jwk;
}

std::string sign(const keys::Signer& signer, const std::string& kid, const nlohmann::json& claims) {
    const auto spec = signer.spec();
    const auto alg = alg_of(spec);
    const nlohmann::json header{{"alg", alg}, {"kid", kid}, {"typ", "JWT"}};
    const std::string input = b64u(header.dump()) + "." + b64u(claims.dump());
    auto signature = signer.sign(as_bytes(input), *options_of(alg));
    if (alg.starts_with("ES")) {
        auto raw = keys::ecdsa_raw_from_der(signature, alg == "ES256" ? 32 : 48);
        if (!raw) throw Error(ErrorCode::KEY_SIGN_FAILED, signer.describe() + " made a malformed ECDSA signature");
        signature = std::move(*raw);
    }
    return input + "." + b64u(signature);
}

ossl::PKey key_from_jwk(const nlohmann::json& jwk) {
    if (!jwk.is_object() || !jwk.contains("kty") || !jwk["kty"].is_string()) return nullptr;
    const auto kty = jwk["kty"].get<std::string>();
    ossl::ParamBuilder bld(OSSL_PARAM_BLD_new());
    if (!bld) return nullptr;
    if (kty == "RSA") {
        const auto n = b64u_field(jwk, "n"), e = b64u_field(jwk, "e");
        if (!n || !e || n->empty() || e->empty()) return nullptr;
        ossl::BigNum bn_n(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr)), bn_e(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
        if (!bn_n || !bn_e || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
            return nullptr;
        return from_params("RSA", bld);
    }
    if (kty == "EC") {
        const std::string crv = jwk.value("crv", "");
        const std::size_t size = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 0;
        const auto x = b64u_field(jwk, "x"), y = b64u_field(jwk, "y");
        if (!size || !x || !y || x->size() != size || y->size() != size) return nullptr;
        Bytes point{0x04};
        point.insert(point.end(), x->begin(), x->end());
        point.insert(point.end(), y->begin(), y->end());
        const char* group = size == 32 ? "prime256v1" : "secp384r1";
        if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
            return nullptr;
        return from_params("EC", bld);  // OpenSSL checks that the point is on the curve
    }
    return nullptr;
}

std::optional<Decoded> decode(std::string_view jwt) {
    if (jwt.size() > kMaxJwt) return std::nullopt;
    const auto a = jwt.find('.'), b = a == std::string_view::npos ? a : jwt.find('.', a + 1);
    if (b == std::string_view::npos || jwt.find('.', b + 1) != std::string_view::npos) return std::nullopt;
    const auto header = base64_decode(jwt.substr(0, a), Base64::Url), claims = base64_decode(jwt.substr(a + 1, b - a - 1), Base64::Url);
    auto signature = base64_decode(jwt.substr(b + 1), Base64::Url);
    if (!header || !claims || !signature) return std::nullopt;
    Decoded d{nlohmann::json::parse(header->begin(), header->end(), nullptr, false),
              nlohmann::json::parse(claims->begin(), claims->end(), nullptr, false), std::string(jwt.substr(0, b)), std::move(*signature)};
    if (!d.header.is_object() || !d.claims.is_object()) return std::nullopt;
    return d;
}

bool verified(const Decoded& jws, const nlohmann::json& jwks) {
    const auto alg = jws.header.value("alg", "");
    const auto options = options_of(alg);
    if (!options || !jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) return false;
    const std::string kid = jws.header.contains("kid") && jws.header["kid"].is_string() ? jws.header["kid"].get<std::string>() : "";
    Bytes signature = jws.signature;
    if (alg.starts_with("ES")) {
        auto der = keys::ecdsa_der_from_raw(signature);
        if (!der || signature.size() != (alg == "ES256" ? 64u : 96u)) return false;
        signature = std::move(*der);
    }
    for (const auto& jwk : jwks["keys"]) {
        if (!kid.empty() && jwk.value("kid", "") != kid) continue;
        const auto key = key_from_jwk(jwk);
        if (key && key_fits(key.get(), alg) && keys::verify(key.get(), as_bytes(jws.signing_input), signature, *options)) return true;
    }
    return false;
}

std::string half_hash(std::string_view alg, std::string_view token) {
    const Bytes h = ossl::digest(keys::digest_of(hash_of(alg)), as_bytes(token));
    return b64u(ByteView(h.data(), h.size() / 2));
}

}  // namespace tanba::oidc::jose
