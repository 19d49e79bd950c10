#include "tanba/keys/software_key.hpp"

#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "pkcs8.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::keys {
namespace {

std::string_view text_of(ByteView d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

bool is_encrypted_pkcs8_der(ByteView data) {
    const unsigned char* p = data.data();
    ossl::X509Sig sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(data.size())));
    ossl::clear_errors();
    return sig != nullptr;
}

}  // namespace

SoftwareKey::SoftwareKey(ossl::PKey key, std::string origin)
    : key_(std::move(key)), public_(public_part(key_.get())), spec_(spec_of(key_.get())), origin_(std::move(origin)) {}

SoftwareKey SoftwareKey::generate(const KeySpec& spec) {
    ossl::clear_errors();
    EVP_PKEY* raw = nullptr;
    switch (spec.algorithm) {
        case KeyAlgorithm::Rsa:
            if (spec.bits != 2048 && spec.bits != 3072 && spec.bits != 4096)
                throw Error(ErrorCode::KEY_UNSUPPORTED, "RSA size " + std::to_string(spec.bits));
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(spec.bits));
            break;
        case KeyAlgorithm::EcP256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
        case KeyAlgorithm::EcP384: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
        case KeyAlgorithm::Ed25519: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
        case KeyAlgorithm::Gost2015_512:
        case KeyAlgorithm::Gost2004: throw Error(ErrorCode::KEY_UNSUPPORTED, to_string(spec) + " keys are made by keys::GostKey (keys::generate_key)");
    }
    if (!raw) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "generating " + to_string(spec) + " key");
    return SoftwareKey(ossl::PKey(raw), "new " + to_string(spec) + " key");
}

SoftwareKey SoftwareKey::load(ByteView data, const Secret* passphrase, std::string origin) {
    ossl::clear_errors();
    const bool encrypted = needs_passphrase(data);
    if (encrypted && (!passphrase || passphrase->empty()))
        throw Error(ErrorCode::KEY_BAD_PASSPHRASE, origin + " is encrypted and no passphrase was given");
    EVP_PKEY* raw = nullptr;
    ossl::DecoderCtx ctx(OSSL_DECODER_CTX_new_for_pkey(&raw, nullptr, nullptr, nullptr, EVP_PKEY_KEYPAIR,
                                                       nullptr, nullptr));
    if (!ctx) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "creating key decoder");
    if (passphrase && !passphrase->empty())
        OSSL_DECODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(passphrase->reveal().data()),
                                        passphrase->reveal().size());
    const unsigned char* p = data.data();
    std::size_t left = data.size();
    if (OSSL_DECODER_from_data(ctx.get(), &p, &left) != 1 || !raw) {
        if (encrypted) throw ossl::error(ErrorCode::KEY_BAD_PASSPHRASE, origin);
        throw ossl::error(ErrorCode::KEY_DECODE_FAILED, origin + " holds no readable private key");
    }
    ossl::PKey key(raw);
    return SoftwareKey(std::move(key), std::move(origin));
}

std::string SoftwareKey::to_pem(const Secret* passphrase) const {
    ossl::clear_errors();
    ossl::Pkcs8Info info(EVP_PKEY2PKCS8(key_.get()));
    ossl::check(info != nullptr, ErrorCode::CRYPTO_FAILURE, "encoding PKCS#8");
    return detail::pkcs8_pem(info.get(), passphrase);
}

Bytes SoftwareKey::to_der_unencrypted() const {
    ossl::Pkcs8Info info(EVP_PKEY2PKCS8(key_.get()));
    unsigned char* out = nullptr;
    int n = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out) : 0;
    if (n <= 0) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "encoding PKCS#8");
    ossl::OpenSslBytes guard(out);
    Bytes der(out, out + n);
    OPENSSL_cleanse(out, static_cast<std::size_t>(n));
    return der;
}

Bytes SoftwareKey::sign(ByteView message, const SignOptions& options) const {
    ossl::clear_errors();
    return sign_with(key_.get(), message, options);
}

bool needs_passphrase(ByteView data) {
    auto t = text_of(data);
    return t.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
           t.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos || is_encrypted_pkcs8_der(data) ||
           is_pkcs12(data);
}

bool is_pkcs12(ByteView data) {
    const unsigned char* p = data.data();
    ossl::Pkcs12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    ossl::clear_errors();
    return p12 != nullptr;
}

Pkcs12Contents load_pkcs12(ByteView data, const Secret& passphrase, std::string origin) {
    ossl::clear_errors();
    const unsigned char* p = data.data();
    ossl::Pkcs12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) throw ossl::error(ErrorCode::KEY_DECODE_FAILED, origin + " is not a PKCS#12 file");
    const auto& pw = passphrase.reveal();
    if (PKCS12_mac_present(p12.get()) && PKCS12_verify_mac(p12.get(), pw.c_str(), static_cast<int>(pw.size())) != 1)
        throw ossl::error(ErrorCode::KEY_BAD_PASSPHRASE, origin);
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), pw.c_str(), &key, &cert, &ca) != 1)
        throw ossl::error(ErrorCode::KEY_UNSUPPORTED,
                          origin + ": its key or encryption is not supported (GOST keys are not yet)");
    ossl::PKey k(key);
    ossl::CertStack chain(ca);
    Pkcs12Contents out;
    out.cert = ossl::Cert(cert);
    if (k) out.key.emplace(std::move(k), origin);
    for (int i = 0; chain && i < sk_X509_num(chain.get()); ++i)
        out.chain.push_back(ossl::up_ref(sk_X509_value(chain.get(), i)));
    return out;
}

Pkcs12Raw pkcs12_raw(ByteView data, const Secret& passphrase, const std::string& origin) {
    ossl::clear_errors();
    const unsigned char* p = data.data();
    ossl::Pkcs12 p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
    if (!p12) throw ossl::error(ErrorCode::KEY_DECODE_FAILED, origin + " is not a PKCS#12 file");
    const auto& pw = passphrase.reveal();
    const int pw_len = static_cast<int>(pw.size());
    if (PKCS12_mac_present(p12.get()) && PKCS12_verify_mac(p12.get(), pw.c_str(), pw_len) != 1)
        throw ossl::error(ErrorCode::KEY_BAD_PASSPHRASE, origin);
    Pkcs12Raw out;
    ossl::Pkcs7Stack safes(PKCS12_unpack_authsafes(p12.get()));
    for (int i = 0; safes && i < sk_PKCS7_num(safes.get()); ++i) {
        PKCS7* safe = sk_PKCS7_value(safes.get(), i);
        const int type = OBJ_obj2nid(safe->type);
        ossl::SafeBagStack bags(type == NID_pkcs7_data        ? PKCS12_unpack_p7data(safe)
                                : type == NID_pkcs7_encrypted ? PKCS12_unpack_p7encdata(safe, pw.c_str(), pw_len)
                                                              : nullptr);
        for (int j = 0; bags && j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
            const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
            const int nid = PKCS12_SAFEBAG_get_nid(bag);
            if (nid == NID_certBag) {
                if (ossl::Cert cert{PKCS12_SAFEBAG_get1_cert(bag)}) out.certificates.push_back(std::move(cert));
            } else if (out.private_key_info.empty() && nid == NID_keyBag) {
                out.private_key_info = ossl::encode(PKCS12_SAFEBAG_get0_p8inf(bag), i2d_PKCS8_PRIV_KEY_INFO, "PKCS#8");
            } else if (out.private_key_info.empty() && nid == NID_pkcs8ShroudedKeyBag) {
                ossl::Pkcs8Info info(PKCS12_decrypt_skey(bag, pw.c_str(), pw_len));
                if (!info) throw ossl::error(ErrorCode::KEY_BAD_PASSPHRASE, origin + ": its key bag does not decrypt");
                out.private_key_info = ossl::encode(info.get(), i2d_PKCS8_PRIV_KEY_INFO, "PKCS#8");
            }
        }
    }
    ossl::clear_errors();
    if (out.private_key_info.empty()) throw ossl::error(ErrorCode::KEY_DECODE_FAILED, origin + " holds no private key");
    return out;
}

Bytes make_pkcs12(const SoftwareKey& key, const X509* cert, const std::vector<ossl::Cert>& chain,
                  const Secret& passphrase, const std::string& friendly_name) {
    ossl::clear_errors();
    ossl::CertStack ca(sk_X509_new_null());
    for (const auto& c : chain) sk_X509_push(ca.get(), ossl::up_ref(c.get()).release());
    ossl::Pkcs12 p12(PKCS12_create_ex(passphrase.reveal().c_str(), friendly_name.c_str(), key.private_key(),
                                      const_cast<X509*>(cert), ca.get(), NID_aes_256_cbc, NID_aes_256_cbc,
                                      kKdfIterations, kKdfIterations, 0, nullptr, nullptr));
    if (!p12) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "creating PKCS#12");
    ossl::check(PKCS12_set_mac(p12.get(), passphrase.reveal().c_str(), -1, nullptr, 0, kKdfIterations, EVP_sha256()) == 1,
                ErrorCode::CRYPTO_FAILURE, "PKCS#12 MAC");
    unsigned char* out = nullptr;
    int n = i2d_PKCS12(p12.get(), &out);
    if (n <= 0) throw ossl::error(ErrorCode::CRYPTO_FAILURE, "encoding PKCS#12");
    ossl::OpenSslBytes guard(out);
    return Bytes(out, out + n);
}

}  // namespace tanba::keys
