#include "tanba/keys/signer.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::keys {

KeySpec parse_key_spec(std::string_view n) {
    if (n == "rsa-2048") return {KeyAlgorithm::Rsa, 2048};
    if (n == "rsa-3072") return {KeyAlgorithm::Rsa, 3072};
    if (n == "rsa-4096") return {KeyAlgorithm::Rsa, 4096};
    if (n == "ecdsa-p256") return {KeyAlgorithm::EcP256, 256};
    if (n == "ecdsa-p384") return {KeyAlgorithm::EcP384, 384};
    if (n == "ed25519") return {KeyAlgorithm::Ed25519, 256};
    if (n == "gost2015-512") return {KeyAlgorithm::Gost2015_512, 512};
    if (n == "gost2004") return {KeyAlgorithm::Gost2004, 256};
    throw Error(ErrorCode::KEY_UNSUPPORTED,
                "'" + std::string(n) + "' (use rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384, ed25519, gost2015-512, gost2004)");
}

std::string to_string(const KeySpec& s) {
    switch (s.algorithm) {
        case KeyAlgorithm::Rsa: return "rsa-" + std::to_string(s.bits);
        case KeyAlgorithm::EcP256: return "ecdsa-p256";
        case KeyAlgorithm::EcP384: return "ecdsa-p384";
        case KeyAlgorithm::Ed25519: return "ed25519";
        case KeyAlgorithm::Gost2015_512: return "gost2015-512";
        case KeyAlgorithm::Gost2004: return "gost2004";
    }
    return "?";
}

std::string_view to_string(KeyAlgorithm a) {
    switch (a) {
        case KeyAlgorithm::Rsa: return "RSA";
        case KeyAlgorithm::EcP256: return "ECDSA P-256";
        case KeyAlgorithm::EcP384: return "ECDSA P-384";
        case KeyAlgorithm::Ed25519: return "Ed25519";
        case KeyAlgorithm::Gost2015_512: return "GOST-2015-512 (KZ)";
        case KeyAlgorithm::Gost2004: return "GOST 34.310-2004 (KZ)";
    }
    return "?";
}

std::string_view to_string(HashAlg h) {
    switch (h) {
        case HashAlg::Sha256: return "SHA-256";
        case HashAlg::Sha384: return "SHA-384";
        case HashAlg::Sha512: return "SHA-512";
        case HashAlg::None: return "none";
    }
    return "?";
}

SignOptions default_sign_options(KeyAlgorithm a) {
    switch (a) {
        case KeyAlgorithm::EcP384: return {HashAlg::Sha384, RsaPadding::Pkcs1v15};
        case KeyAlgorithm::Ed25519:
        case KeyAlgorithm::Gost2015_512:
        case KeyAlgorithm::Gost2004: return {HashAlg::None, RsaPadding::Pkcs1v15};
        default: return {HashAlg::Sha256, RsaPadding::Pkcs1v15};
    }
}

const EVP_MD* digest_of(HashAlg h) {
    switch (h) {
        case HashAlg::Sha256: return EVP_sha256();
        case HashAlg::Sha384: return EVP_sha384();
        case HashAlg::Sha512: return EVP_sha512();
        case HashAlg::None: return nullptr;
    }
    return nullptr;
}

KeySpec spec_of(const EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
        return {KeyAlgorithm::Rsa, EVP_PKEY_get_bits(key)};
    if (EVP_PKEY_is_a(key, "ED25519")) return {KeyAlgorithm::Ed25519, 256};
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1) {
            if (std::strcmp(group, "prime256v1") == 0) return {KeyAlgorithm::EcP256, 256};
            if (std::strcmp(group, "secp384r1") == 0) return {KeyAlgorithm::EcP384, 384};
        }
        ossl::clear_errors();
        throw Error(ErrorCode::KEY_UNSUPPORTED, std::string("elliptic curve '") + group + "'");
    }
    const char* name = EVP_PKEY_get0_type_name(key);
    throw Error(ErrorCode::KEY_UNSUPPORTED, std::string("key type '") + (name ? name : "unknown") + "'");
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) {
    bool same = EVP_PKEY_eq(a, b) == 1;
    ossl::clear_errors();
    return same;
}

ossl::PKey public_part(const EVP_PKEY* key) {
    unsigned char* out = nullptr;
    const int n = i2d_PUBKEY(const_cast<EVP_PKEY*>(key), &out);
    ossl::OpenSslBytes guard(out);
    const unsigned char* p = out;
    ossl::PKey pub(n > 0 ? d2i_PUBKEY(nullptr, &p, n) : nullptr);
    if (!pub) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "copying the public key");
    return pub;
}

std::string Signer::digest_algorithm(const SignOptions& o) const {
    const EVP_MD* md = digest_of(o.hash == HashAlg::None ? HashAlg::Sha512 : o.hash);
    return ossl::oid_text(OBJ_nid2obj(EVP_MD_get_type(md)));
}

Bytes Signer::public_key_der() const {
    unsigned char* out = nullptr;
    int n = i2d_PUBKEY(const_cast<EVP_PKEY*>(public_key()), &out);
    if (n <= 0) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "encoding public key");
    ossl::OpenSslBytes guard(out);
    return Bytes(out, out + n);
}

namespace {
void apply_padding(EVP_PKEY_CTX* pctx, const EVP_PKEY* key, const SignOptions& o) {
    if (o.padding == RsaPadding::Pss && EVP_PKEY_is_a(key, "RSA")) {
        ossl::check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
                        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0,
                    ErrorCode::KEY_SIGN_FAILED, "setting RSA-PSS padding");
    }
}
}  // namespace

Bytes Signer::algorithm_identifier(const SignOptions& o) const {
    // OpenSSL's signature provider names the algorithm for a verification context on the
    // public key: no private operation, so a token is not touched.
    const EVP_PKEY* key = public_key();
    if (o.padding == RsaPadding::Pss && !EVP_PKEY_is_a(key, "RSA"))
        throw Error(ErrorCode::KEY_UNSUPPORTED, "RSA-PSS with a " + to_string(spec()) + " key");
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    ossl::check(ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, digest_of(o.hash), nullptr, const_cast<EVP_PKEY*>(key)) == 1,
                ErrorCode::KEY_UNSUPPORTED, "naming the signature algorithm");
    apply_padding(pctx, key, o);
    unsigned char buf[256];
    OSSL_PARAM params[] = {OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, buf, sizeof buf), OSSL_PARAM_END};
    ossl::check(EVP_PKEY_CTX_get_params(pctx, params) == 1 && params[0].return_size > 0 && params[0].return_size <= sizeof buf,
                ErrorCode::KEY_UNSUPPORTED, "naming the signature algorithm");
    return Bytes(buf, buf + params[0].return_size);
}

bool verify(const EVP_PKEY* key, ByteView message, ByteView signature, const SignOptions& o) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, digest_of(o.hash), nullptr, const_cast<EVP_PKEY*>(key)) != 1) {
        ossl::clear_errors();
        return false;
    }
    apply_padding(pctx, key, o);
    bool ok = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
    ossl::clear_errors();
    return ok;
}

// Shared by every Signer whose private key is an OpenSSL key (software or token-backed).
Bytes sign_with(EVP_PKEY* key, ByteView message, const SignOptions& o) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    ossl::check(ctx && EVP_DigestSignInit(ctx.get(), &pctx, digest_of(o.hash), nullptr, key) == 1,
                ErrorCode::KEY_SIGN_FAILED, "initialising signature");
    apply_padding(pctx, key, o);
    std::size_t len = 0;
    ossl::check(EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) == 1,
                ErrorCode::KEY_SIGN_FAILED, "sizing signature");
    Bytes sig(len);
    ossl::check(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) == 1,
                ErrorCode::KEY_SIGN_FAILED, "signing");
    sig.resize(len);
    return sig;
}

std::optional<Bytes> ecdsa_der_from_raw(ByteView raw) {
    if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 264) return std::nullopt;
    const int half = static_cast<int>(raw.size() / 2);
    ossl::EcdsaSig sig(ECDSA_SIG_new());
    ossl::BigNum r(BN_bin2bn(raw.data(), half, nullptr)), s(BN_bin2bn(raw.data() + half, half, nullptr));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    r.release(), s.release();  // owned by sig now
    return ossl::encode(sig.get(), i2d_ECDSA_SIG, "an ECDSA signature");
}

std::optional<Bytes> ecdsa_raw_from_der(ByteView der, std::size_t half) {
    const unsigned char* p = der.data();
    ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != der.data() + der.size()) {
        ossl::clear_errors();
        return std::nullopt;
    }
    Bytes out(2 * half);
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), static_cast<int>(half)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + half, static_cast<int>(half)) < 0)
        return std::nullopt;
    return out;
}

}  // namespace tanba::keys
