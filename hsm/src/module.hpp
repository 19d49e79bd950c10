#pragma once
// libp11 objects in strict RAII order: a loaded module (context) owns its slot list; tokens,
// keys and certificates belong to the slots; EVP_PKEYs taken from keys are released before the
// module. One Module per module path per process; one lock per token.
#include <libp11.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "tanba/hsm/token.hpp"

namespace tanba::hsm::detail {

class Module {
public:
    /// The process's module for this path (loaded on first use). Throws PKCS11_MODULE_FAILED.
    static std::shared_ptr<Module> get(const std::string& path);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    const std::string& path() const { return path_; }
    /// Slots that hold a token matching the URI's token attributes (all with a token when none).
    std::vector<PKCS11_SLOT*> matching(const Pkcs11Uri& uri);
    /// Exactly one matching slot. Throws TOKEN_NOT_FOUND (none, or several: be more specific).
    PKCS11_SLOT* slot(const Pkcs11Uri& uri);
    /// Logs in to the slot's token when it needs it and is not logged in. PIN from the URI's
    /// pin-source, else `pin`. Throws TOKEN_PIN_INCORRECT / TOKEN_PIN_LOCKED / TOKEN_NO_PIN.
    void login(PKCS11_SLOT* slot, const Pkcs11Uri& uri, const PinPrompt& pin);
    /// Serialises operations on one token.
    std::mutex& lock(PKCS11_SLOT* slot);
    TokenInfo info(PKCS11_SLOT* slot) const;
    std::mutex& mutex() { return mutex_; }

private:
    explicit Module(std::string path);
    std::string path_;
    PKCS11_CTX* ctx_ = nullptr;
    PKCS11_SLOT* slots_ = nullptr;
    unsigned int count_ = 0;
    std::mutex mutex_;                                 // libp11 calls on this module
    std::map<unsigned long, std::mutex> token_locks_;  // by slot id
};

/// The PIN for a token: pin-source (file:PATH, env:NAME) or the prompt. Throws TOKEN_NO_PIN.
Secret resolve_pin(const Pkcs11Uri& uri, const PinPrompt& prompt, const std::string& what);

struct PinState {
    bool count_low = false, final_try = false, locked = false;
};
/// The token's PIN flags now (C_GetTokenInfo).
PinState pin_state(const std::string& module_path, unsigned long slot_id);

/// The last PKCS#11 return value libp11 recorded (CKR_*), 0 when none.
unsigned long last_ckr();

std::string trimmed(const char* fixed_width);

}  // namespace tanba::hsm::detail
