#include "raw.hpp"

#include <dlfcn.h>

#include <cstdio>

#include "module.hpp"

namespace tanba::hsm::detail {
namespace {

std::string fixed(const CK_UTF8CHAR* p, std::size_t n) { return trimmed(std::string(reinterpret_cast<const char*>(p), n).c_str()); }

}  // namespace

Library::Library(const std::string& path) {
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

Library::~Library() {
    if (initialized_here) f->C_Finalize(nullptr);
    dlclose(handle);
}

Session::Session(const Library& lib, CK_SLOT_ID slot) : f(lib.f) {
    check(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h), "opening a session");
}

Session::~Session() {
    if (h) {
        f->C_Logout(h);
        f->C_CloseSession(h);
    }
}

void Session::login(CK_USER_TYPE who, const Secret& pin, const char* what) {
    check(f->C_Login(h, who, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.reveal().data())), pin.reveal().size()), what);
}

void check(CK_RV rv, const char* what) {
    if (rv == CKR_OK) return;
    char buf[40];
    std::snprintf(buf, sizeof buf, " (CKR 0x%lX)", static_cast<unsigned long>(rv));
    if (rv == CKR_PIN_INCORRECT) throw Error(ErrorCode::TOKEN_PIN_INCORRECT, what);
    if (rv == CKR_PIN_LOCKED) throw Error(ErrorCode::TOKEN_PIN_LOCKED, what);
    if (rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) throw Error(ErrorCode::TOKEN_PIN_INVALID, std::string(what) + buf);
    if (rv == CKR_MECHANISM_INVALID || rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_TEMPLATE_INCONSISTENT)
        throw Error(ErrorCode::KEY_UNSUPPORTED, std::string(what) + buf);
    throw Error(ErrorCode::TOKEN_OPERATION_FAILED, std::string(what) + buf);
}

std::vector<CK_SLOT_ID> slots_with_token(const Library& lib) {
    CK_ULONG n = 0;
    check(lib.f->C_GetSlotList(CK_TRUE, nullptr, &n), "listing slots");
    std::vector<CK_SLOT_ID> slots(n);
    check(lib.f->C_GetSlotList(CK_TRUE, slots.data(), &n), "listing slots");
    slots.resize(n);
    return slots;
}

CK_SLOT_ID find_slot(const Library& lib, const Pkcs11Uri& uri) {
    std::vector<CK_SLOT_ID> found;
    for (CK_SLOT_ID id : slots_with_token(lib)) {
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
    return found.front();
}

}  // namespace tanba::hsm::detail
