// Calls into the module's own PKCS#11 function list, for what libp11 0.4.12 does not offer:
// key generation (it generates only RSA, and not as a non-extractable key) and fresh PIN
// state after a failed login (its token flags are those of the last enumeration).
#include <dlfcn.h>

#include <cstring>
#include <memory>
#include <vector>

#include "module.hpp"
#include "tanba/ossl/codec.hpp"

#include <p11-kit/pkcs11.h>

namespace tanba::hsm::detail {
namespace {

struct Library {
    void* handle = nullptr;
    CK_FUNCTION_LIST_PTR f = nullptr;
    bool initialized_here = false;
    explicit Library(const std::string& path) {
        handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) throw Error(ErrorCode::PKCS11_MODULE_FAILED, path + " could not be loaded as a PKCS#11 module");
        auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
        if (!get || get(&f) != CKR_OK || !f) {
            dlclose(handle);
            throw Error(ErrorCode::PKCS11_MODULE_FAILED, path + " is not a PKCS#11 library");
        }
        const CK_RV rv = f->C_Initialize(nullptr);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            dlclose(handle);
            throw Error(ErrorCode::PKCS11_MODULE_FAILED, path + ": C_Initialize failed");
        }
        initialized_here = rv == CKR_OK;
    }
    ~Library() {
        if (initialized_here) f->C_Finalize(nullptr);
        dlclose(handle);
    }
};

struct Session {
    CK_FUNCTION_LIST_PTR f;
    CK_SESSION_HANDLE h = 0;
    ~Session() {
        if (h) {
            f->C_Logout(h);
            f->C_CloseSession(h);
        }
    }
};

void check(CK_RV rv, const char* what) {
    if (rv == CKR_OK) return;
    char buf[40];
    std::snprintf(buf, sizeof buf, " (CKR 0x%lX)", static_cast<unsigned long>(rv));
    if (rv == CKR_PIN_INCORRECT) throw Error(ErrorCode::TOKEN_PIN_INCORRECT, what);
    if (rv == CKR_PIN_LOCKED) throw Error(ErrorCode::TOKEN_PIN_LOCKED, what);
    if (rv == CKR_MECHANISM_INVALID || rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_TEMPLATE_INCONSISTENT)
        throw Error(ErrorCode::KEY_UNSUPPORTED, std::string(what) + buf);
    throw Error(ErrorCode::TOKEN_OPERATION_FAILED, std::string(what) + buf);
}

std::string fixed(const CK_UTF8CHAR* p, std::size_t n) { return trimmed(std::string(reinterpret_cast<const char*>(p), n).c_str()); }

}  // namespace

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
    CK_ULONG n = 0;
    check(lib.f->C_GetSlotList(CK_TRUE, nullptr, &n), "listing slots");
    std::vector<CK_SLOT_ID> slots(n);
    check(lib.f->C_GetSlotList(CK_TRUE, slots.data(), &n), "listing slots");
    std::vector<CK_SLOT_ID> found;
    for (CK_SLOT_ID id : slots) {
        CK_TOKEN_INFO ti;
        if (lib.f->C_GetTokenInfo(id, &ti) != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED)) continue;
        auto ok = [](const std::string& want, const std::string& have) { return want.empty() || want == have; };
        if ((!uri.slot_id || *uri.slot_id == id) && ok(uri.token, fixed(ti.label, sizeof ti.label)) &&
            ok(uri.manufacturer, fixed(ti.manufacturerID, sizeof ti.manufacturerID)) &&
            ok(uri.model, fixed(ti.model, sizeof ti.model)) && ok(uri.serial, fixed(ti.serialNumber, sizeof ti.serialNumber)))
            found.push_back(id);
    }
    if (found.size() != 1)
        throw Error(ErrorCode::TOKEN_NOT_FOUND, found.empty() ? uri.str() : "several tokens match " + uri.str());
    Session s{lib.f};
    check(lib.f->C_OpenSession(found.front(), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s.h), "opening a session");
    const Secret p = resolve_pin(uri, pin, "token \"" + uri.token + "\"");
    check(lib.f->C_Login(s.h, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(p.reveal().data())),
                         p.reveal().size()),
          "login");

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
