// Token and PIN lifecycle, and key import, through the module's own PKCS#11 function list.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstring>

#include "module.hpp"
#include "raw.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::hsm {
namespace {

using detail::check;
using detail::Library;
using detail::Session;

CK_UTF8CHAR_PTR chars(const Secret& s) { return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(s.reveal().data())); }

/// The slot to initialise: the given one, else the only one whose token is not initialised.
CK_SLOT_ID slot_to_init(const Library& lib, const TokenInit& init) {
    std::vector<CK_SLOT_ID> blank;
    for (CK_SLOT_ID id : detail::slots_with_token(lib)) {
        CK_TOKEN_INFO ti;
        if (lib.f->C_GetTokenInfo(id, &ti) != CKR_OK) continue;
        const bool initialised = ti.flags & CKF_TOKEN_INITIALIZED;
        if (init.slot_id) {
            if (id != *init.slot_id) continue;
            if (initialised && init.reinit == Reinit::Refuse)
                throw Error(ErrorCode::TOKEN_NOT_EMPTY, "slot " + std::to_string(id) + " holds \"" + detail::trimmed(std::string(reinterpret_cast<char*>(ti.label), sizeof ti.label).c_str()) + "\"");
            return id;
        }
        if (!initialised) blank.push_back(id);
    }
    if (init.slot_id) throw Error(ErrorCode::TOKEN_NOT_FOUND, "no token in slot " + std::to_string(*init.slot_id));
    if (blank.size() != 1)
        throw Error(ErrorCode::TOKEN_NOT_FOUND, blank.empty() ? "no slot with a token to initialise" : "several blank tokens: give --slot");
    return blank.front();
}

// A BIGNUM parameter of the key, big-endian, as PKCS#11 wants it.

}  // namespace

std::string init_token(const TokenInit& init, const Secret& so_pin, const Secret& user_pin) {
    if (init.label.empty() || init.label.size() > 32) throw Error(ErrorCode::USAGE, "a token label has 1 to 32 bytes");
    const std::string module = init.module_path.empty() ? module_of({}) : init.module_path;
    {
        Library lib(module);
        const CK_SLOT_ID slot = slot_to_init(lib, init);
        CK_UTF8CHAR label[32];
        std::memset(label, ' ', sizeof label);
        std::memcpy(label, init.label.data(), init.label.size());
        check(lib.f->C_InitToken(slot, chars(so_pin), so_pin.reveal().size(), label), "initialising the token");
    }
    // The module may renumber its slots after C_InitToken (SoftHSM2 does): find it by label.
    Pkcs11Uri uri;
    uri.module_path = module;
    uri.token = init.label;
    Library lib(module);
    Session s(lib, detail::find_slot(lib, uri));
    s.login(CKU_SO, so_pin, "security officer login");
    check(lib.f->C_InitPIN(s.h, chars(user_pin), user_pin.reveal().size()), "setting the user PIN");
    return uri.str();
}

void change_pin(const Pkcs11Uri& token, const Secret& old_pin, const Secret& new_pin) {
    Library lib(module_of(token));
    Session s(lib, detail::find_slot(lib, token));
    s.login(CKU_USER, old_pin, "login with the current PIN");
    check(lib.f->C_SetPIN(s.h, chars(old_pin), old_pin.reveal().size(), chars(new_pin), new_pin.reveal().size()), "changing the PIN");
}

void unblock_pin(const Pkcs11Uri& token, const Secret& so_pin, const Secret& new_pin) {
    Library lib(module_of(token));
    Session s(lib, detail::find_slot(lib, token));
    s.login(CKU_SO, so_pin, "security officer login");
    check(lib.f->C_InitPIN(s.h, chars(new_pin), new_pin.reveal().size()), "setting the new user PIN");
}

std::string import_key(const Pkcs11Uri& uri_in, const keys::SoftwareKey& key, const PinPrompt& pin) {
    Pkcs11Uri uri = uri_in;
    if (uri.object.empty()) throw Error(ErrorCode::PKCS11_URI_INVALID, "import-key needs object= (the key's label)");
    if (uri.id.empty()) {
        uri.id.resize(8);
        ossl::random_bytes(uri.id);
    }
    const EVP_PKEY* k = key.private_key();
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    std::string label = uri.object;
    CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY, pub_class = CKO_PUBLIC_KEY;
    CK_KEY_TYPE type;
    std::vector<Bytes> keep;  // attribute values outlive the templates
    auto value = [&keep](Bytes b) {
        keep.push_back(std::move(b));
        return &keep.back();
    };
    keep.reserve(16);
    std::vector<CK_ATTRIBUTE> priv{{CKA_CLASS, &priv_class, sizeof priv_class}, {CKA_TOKEN, &yes, sizeof yes},
                                   {CKA_PRIVATE, &yes, sizeof yes}, {CKA_SENSITIVE, &yes, sizeof yes},
                                   {CKA_EXTRACTABLE, &no, sizeof no}, {CKA_SIGN, &yes, sizeof yes},
                                   {CKA_DECRYPT, &no, sizeof no}, {CKA_UNWRAP, &no, sizeof no},
                                   {CKA_LABEL, label.data(), label.size()}, {CKA_ID, uri.id.data(), uri.id.size()}};
    std::vector<CK_ATTRIBUTE> pub{{CKA_CLASS, &pub_class, sizeof pub_class}, {CKA_TOKEN, &yes, sizeof yes},
                                  {CKA_VERIFY, &yes, sizeof yes}, {CKA_ENCRYPT, &no, sizeof no},
                                  {CKA_WRAP, &no, sizeof no}, {CKA_LABEL, label.data(), label.size()},
                                  {CKA_ID, uri.id.data(), uri.id.size()}};
    auto add = [&](std::vector<CK_ATTRIBUTE>& t, CK_ATTRIBUTE_TYPE a, Bytes* b) { t.push_back({a, b->data(), b->size()}); };
    switch (key.spec().algorithm) {
        case keys::KeyAlgorithm::Rsa: {
            type = CKK_RSA;
            Bytes* n = value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_N));
            Bytes* e = value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_E));
            add(priv, CKA_MODULUS, n);
            add(priv, CKA_PUBLIC_EXPONENT, e);
            add(priv, CKA_PRIVATE_EXPONENT, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_D)));
            add(priv, CKA_PRIME_1, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_FACTOR1)));
            add(priv, CKA_PRIME_2, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_FACTOR2)));
            add(priv, CKA_EXPONENT_1, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_EXPONENT1)));
            add(priv, CKA_EXPONENT_2, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_EXPONENT2)));
            add(priv, CKA_COEFFICIENT, value(ossl::bn_param(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)));
            add(pub, CKA_MODULUS, n);
            add(pub, CKA_PUBLIC_EXPONENT, e);
            break;
        }
        case keys::KeyAlgorithm::EcP256:
        case keys::KeyAlgorithm::EcP384: {
            type = CKK_EC;
            static const CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
            static const CK_BYTE p384[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
            const bool is256 = key.spec().algorithm == keys::KeyAlgorithm::EcP256;
            Bytes* params = value(is256 ? Bytes(p256, p256 + sizeof p256) : Bytes(p384, p384 + sizeof p384));
            Bytes scalar = ossl::bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY);
            scalar.insert(scalar.begin(), (is256 ? 32 : 48) - scalar.size(), 0);
            // CKA_EC_POINT: the uncompressed point as a DER OCTET STRING.
            std::size_t len = 0;
            ossl::check(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len) == 1, ErrorCode::KEY_UNSUPPORTED, "EC point");
            Bytes point(len);
            ossl::check(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, point.data(), len, &len) == 1, ErrorCode::KEY_UNSUPPORTED, "EC point");
            Bytes octets{0x04, static_cast<std::uint8_t>(len)};
            octets.insert(octets.end(), point.begin(), point.begin() + static_cast<std::ptrdiff_t>(len));
            add(priv, CKA_EC_PARAMS, params);
            add(priv, CKA_VALUE, value(std::move(scalar)));
            add(pub, CKA_EC_PARAMS, params);
            add(pub, CKA_EC_POINT, value(std::move(octets)));
            break;
        }
        default: throw Error(ErrorCode::KEY_UNSUPPORTED, "tokens take RSA and EC P-256/P-384 keys");
    }
    priv.push_back({CKA_KEY_TYPE, &type, sizeof type});
    pub.push_back({CKA_KEY_TYPE, &type, sizeof type});
    Library lib(module_of(uri));
    Session s(lib, detail::find_slot(lib, uri));
    s.login(CKU_USER, detail::resolve_pin(uri, pin, "token \"" + uri.token + "\""), "login");
    CK_OBJECT_HANDLE h = 0;
    check(lib.f->C_CreateObject(s.h, priv.data(), priv.size(), &h), "storing the private key");
    check(lib.f->C_CreateObject(s.h, pub.data(), pub.size(), &h), "storing the public key");
    for (auto& b : keep) OPENSSL_cleanse(b.data(), b.size());
    uri.type = ObjectType::PrivateKey;
    uri.pin_source.clear();
    return uri.str();
}

}  // namespace tanba::hsm
