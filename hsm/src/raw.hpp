#pragma once
// The module's own PKCS#11 function list, for what libp11 0.4.12 does not offer: key
// generation as non-extractable keys, key import, token and PIN lifecycle, fresh PIN state.
#include <p11-kit/pkcs11.h>

#include <optional>
#include <string>
#include <vector>

#include "tanba/hsm/token.hpp"

namespace tanba::hsm::detail {

/// The module loaded (dlopen) and initialised for this call; finalised after when this loaded it.
struct Library {
    void* handle = nullptr;
    CK_FUNCTION_LIST_PTR f = nullptr;
    bool initialized_here = false;
    explicit Library(const std::string& path);  // throws PKCS11_MODULE_FAILED
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

/// A read-write session, logged out and closed at the end.
struct Session {
    CK_FUNCTION_LIST_PTR f;
    CK_SESSION_HANDLE h = 0;
    Session(const Library& lib, CK_SLOT_ID slot);  // throws TOKEN_OPERATION_FAILED
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    void login(CK_USER_TYPE who, const Secret& pin, const char* what);
};

/// Throws the error a CK_RV means: TOKEN_PIN_INCORRECT, TOKEN_PIN_LOCKED, KEY_UNSUPPORTED,
/// TOKEN_PIN_INVALID (a new PIN the token refuses), else TOKEN_OPERATION_FAILED.
void check(CK_RV rv, const char* what);

/// The slots that hold a token (initialised or not).
std::vector<CK_SLOT_ID> slots_with_token(const Library& lib);

/// The one initialised token the URI's token attributes (and slot-id) match. Throws TOKEN_NOT_FOUND.
CK_SLOT_ID find_slot(const Library& lib, const Pkcs11Uri& uri);

}  // namespace tanba::hsm::detail
