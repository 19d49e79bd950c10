#include "module.hpp"

#include <openssl/err.h>

#include <cstdlib>
#include <fstream>

#include "tanba/ossl/errors.hpp"

namespace tanba::hsm::detail {
namespace {

constexpr unsigned long kPinIncorrect = 0xA0, kPinLocked = 0xA4, kPinLenRange = 0xA2;

bool matches(const std::string& want, const char* have) { return want.empty() || (have && trimmed(have) == want); }

}  // namespace

std::string trimmed(const char* s) {
    std::string v = s ? s : "";
    while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.pop_back();
    return v;
}

unsigned long last_ckr() {
    const int code = ERR_get_CKR_code();
    return code > 0 ? static_cast<unsigned long>(ERR_GET_REASON(ERR_peek_last_error())) : 0;
}

std::shared_ptr<Module> Module::get(const std::string& path) {
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<Module>> registry;
    std::lock_guard lock(registry_mutex);
    if (auto live = registry[path].lock()) return live;
    std::shared_ptr<Module> m(new Module(path));
    registry[path] = m;
    return m;
}

Module::Module(std::string path) : path_(std::move(path)) {
    ossl::clear_errors();
    if (std::ifstream probe(path_); !probe.good()) throw Error(ErrorCode::PKCS11_MODULE_FAILED, "no such file: " + path_);
    ctx_ = PKCS11_CTX_new();
    if (!ctx_) throw Error(ErrorCode::PKCS11_MODULE_FAILED, "libp11 could not start");
    if (PKCS11_CTX_load(ctx_, path_.c_str()) != 0) {
        PKCS11_CTX_free(ctx_);
        ossl::clear_errors();
        throw Error(ErrorCode::PKCS11_MODULE_FAILED, path_ + " could not be loaded as a PKCS#11 module");
    }
    if (PKCS11_enumerate_slots(ctx_, &slots_, &count_) != 0) {
        PKCS11_CTX_unload(ctx_);
        PKCS11_CTX_free(ctx_);
        ossl::clear_errors();
        throw Error(ErrorCode::PKCS11_MODULE_FAILED, path_ + ": listing slots failed");
    }
}

Module::~Module() {
    if (slots_) PKCS11_release_all_slots(ctx_, slots_, count_);
    PKCS11_CTX_unload(ctx_);
    PKCS11_CTX_free(ctx_);
}

std::vector<PKCS11_SLOT*> Module::matching(const Pkcs11Uri& uri) {
    std::vector<PKCS11_SLOT*> out;
    for (unsigned int i = 0; i < count_; ++i) {
        PKCS11_SLOT* s = &slots_[i];
        const PKCS11_TOKEN* t = s->token;
        if (!t || !t->initialized) continue;
        if (uri.slot_id && PKCS11_get_slotid_from_slot(s) != *uri.slot_id) continue;
        if (matches(uri.token, t->label) && matches(uri.manufacturer, t->manufacturer) && matches(uri.model, t->model) &&
            matches(uri.serial, t->serialnr))
            out.push_back(s);
    }
    return out;
}

PKCS11_SLOT* Module::slot(const Pkcs11Uri& uri) {
    auto found = matching(uri);
    if (found.empty()) throw Error(ErrorCode::TOKEN_NOT_FOUND, uri.str() + " in " + path_);
    if (found.size() > 1) throw Error(ErrorCode::TOKEN_NOT_FOUND, "several tokens match " + uri.str() + ": give token= or serial=");
    return found.front();
}

TokenInfo Module::info(PKCS11_SLOT* s) const {
    TokenInfo i;
    i.slot_id = PKCS11_get_slotid_from_slot(s);
    i.slot_description = trimmed(s->description);
    if (const PKCS11_TOKEN* t = s->token) {
        i.label = trimmed(t->label);
        i.manufacturer = trimmed(t->manufacturer);
        i.model = trimmed(t->model);
        i.serial = trimmed(t->serialnr);
        i.login_required = t->loginRequired;
        i.pin_count_low = t->userPinCountLow;
        i.pin_final_try = t->userPinFinalTry;
        i.pin_locked = t->userPinLocked;
    }
    return i;
}

std::mutex& Module::lock(PKCS11_SLOT* s) {
    std::lock_guard guard(mutex_);
    return token_locks_[PKCS11_get_slotid_from_slot(s)];
}

Secret resolve_pin(const Pkcs11Uri& uri, const PinPrompt& prompt, const std::string& what) {
    if (!uri.pin_source.empty()) {
        if (uri.pin_source.rfind("env:", 0) == 0) {
            const char* v = std::getenv(uri.pin_source.substr(4).c_str());
            if (!v) throw Error(ErrorCode::TOKEN_NO_PIN, "pin-source " + uri.pin_source + " is not set");
            return Secret(v);
        }
        std::string file = uri.pin_source;
        if (file.rfind("file:", 0) == 0) file = file.substr(5);
        if (file.rfind("//", 0) == 0) file = file.substr(2);
        std::ifstream in(file);
        std::string line;
        if (!in || !std::getline(in, line)) throw Error(ErrorCode::TOKEN_NO_PIN, "pin-source file cannot be read: " + file);
        return Secret(line);
    }
    if (prompt)
        if (auto p = prompt(what)) return std::move(*p);
    throw Error(ErrorCode::TOKEN_NO_PIN, what);
}

void Module::login(PKCS11_SLOT* s, const Pkcs11Uri& uri, const PinPrompt& pin) {
    std::lock_guard guard(mutex_);
    PKCS11_TOKEN* t = s->token;
    if (!t->loginRequired) return;
    int logged_in = 0;
    if (PKCS11_is_logged_in(s, 0, &logged_in) == 0 && logged_in) return;
    const std::string what = "token \"" + trimmed(t->label) + "\"";
    if (t->userPinLocked) throw Error(ErrorCode::TOKEN_PIN_LOCKED, what);
    const Secret p = resolve_pin(uri, pin, what);
    ossl::clear_errors();
    if (PKCS11_login(s, 0, p.reveal().c_str()) == 0) return;
    const unsigned long rv = last_ckr();
    ossl::clear_errors();
    const PinState now = pin_state(path_, PKCS11_get_slotid_from_slot(s));
    if (rv == kPinLocked || now.locked) throw Error(ErrorCode::TOKEN_PIN_LOCKED, what);
    std::string retries = now.final_try ? "; the token says one try is left before the PIN locks"
                          : now.count_low ? "; the token says few tries are left"
                                          : "";
    if (rv == kPinIncorrect || rv == kPinLenRange) throw Error(ErrorCode::TOKEN_PIN_INCORRECT, what + retries);
    throw Error(ErrorCode::TOKEN_PIN_INCORRECT, what + " (the token answered CKR 0x" + [&] {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%lX", rv);
        return std::string(buf);
    }() + ")" + retries);
}

}  // namespace tanba::hsm::detail
