// Key generation on the token (libp11 generates only RSA, and not as a non-extractable key)
// and fresh PIN state after a failed login (libp11's token flags are those of the last
// enumeration), through the module's own function list.
#include <cstring>
#include <memory>
#include <vector>

#include "module.hpp"
#include "raw.hpp"
#include "tanba/ossl/codec.hpp"

namespace tanba::hsm::detail {

PinState pin_state(const std::string& module_path, unsigned long slot_id) {
    Library lib(module_path);
    CK_TOKEN_INFO ti;
    if (lib.f->C_GetTokenInfo(slot_id, &ti) != CKR_OK) return {};
    return PinState{(ti.flags & CKF_USER_PIN_COUNT_LOW) != 0, (ti.flags & CKF_USER_PIN_FINAL_TRY) != 0,
                    (ti.flags & CKF_USER_PIN_LOCKED) != 0};
}

std::string generate_on_token(const Pkcs11Uri& uri_in, const keys::KeySpec& spec, const PinPrompt& pin) {
    Pkcs11Uri uri = uri_in;
    if (spec.algorithm == keys::KeyAlgorithm::Ed25519)
        throw Error(ErrorCode::KEY_UNSUPPORTED, "ed25519 on tokens (libp11 cannot sign with it): use rsa-* or ecdsa-*");
    if (uri.object.empty()) throw Error(ErrorCode::PKCS11_URI_INVALID, "keygen needs object= (the key's label)");
    if (uri.id.empty()) {
        uri.id.resize(8);
        ossl::random_bytes(uri.id);
    }
    Library lib(module_of(uri));
    Session s(lib, find_slot(lib, uri));
    s.login(CKU_USER, resolve_pin(uri, pin, "token \"" + uri.token + "\""), "login");

    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ULONG bits = static_cast<CK_ULONG>(spec.bits);
    CK_BYTE exponent[] = {1, 0, 1};
    static const CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    static const CK_BYTE p384[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
    std::string label = uri.object;
    std::vector<CK_ATTRIBUTE> pub{{CKA_TOKEN, &yes, sizeof yes}, {CKA_VERIFY, &yes, sizeof yes},
                                  {CKA_LABEL, label.data(), label.size()}, {CKA_ID, uri.id.data(), uri.id.size()}};
    std::vector<CK_ATTRIBUTE> priv{{CKA_TOKEN, &yes, sizeof yes},       {CKA_PRIVATE, &yes, sizeof yes},
                                   {CKA_SENSITIVE, &yes, sizeof yes},   {CKA_EXTRACTABLE, &no, sizeof no},
                                   {CKA_SIGN, &yes, sizeof yes},        {CKA_LABEL, label.data(), label.size()},
                                   {CKA_ID, uri.id.data(), uri.id.size()}};
    CK_MECHANISM mech{};
    if (spec.algorithm == keys::KeyAlgorithm::Rsa) {
        mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
        pub.push_back({CKA_PUBLIC_EXPONENT, exponent, sizeof exponent});
    } else {
        mech.mechanism = CKM_EC_KEY_PAIR_GEN;
        const bool is256 = spec.algorithm == keys::KeyAlgorithm::EcP256;
        pub.push_back({CKA_EC_PARAMS, const_cast<CK_BYTE*>(is256 ? p256 : p384), is256 ? sizeof p256 : sizeof p384});
    }
    CK_OBJECT_HANDLE pub_h = 0, priv_h = 0;
    check(lib.f->C_GenerateKeyPair(s.h, &mech, pub.data(), pub.size(), priv.data(), priv.size(), &pub_h, &priv_h),
          "generating the key pair");
    uri.type = ObjectType::PrivateKey;
    uri.pin_source.clear();
    return uri.str();
}

}  // namespace tanba::hsm::detail
