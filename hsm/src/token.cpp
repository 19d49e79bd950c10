#include "tanba/hsm/token.hpp"

#include <cstdlib>

#include "module.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::hsm {
namespace detail {
std::string generate_on_token(const Pkcs11Uri& uri, const keys::KeySpec& spec, const PinPrompt& pin);
}  // namespace detail

namespace {

using detail::Module;

constexpr const char* kOpenSc = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

bool same_id(const unsigned char* id, std::size_t len, const Bytes& want) {
    return want.empty() || (len == want.size() && std::equal(want.begin(), want.end(), id));
}

bool same_label(const char* label, const std::string& want) { return want.empty() || (label && want == label); }

std::string object_uri(const Module& m, const TokenInfo& t, ObjectType type, const char* label, const unsigned char* id,
                       std::size_t id_len) {
    Pkcs11Uri u;
    u.token = t.label;
    u.serial = t.serial;
    u.object = label ? label : "";
    u.id.assign(id, id + id_len);
    u.type = type;
    u.module_path = m.path();
    return u.str();
}

std::string describe_key(EVP_PKEY* k) {
    if (!k) return "key";
    try {
        return keys::to_string(keys::spec_of(k));
    } catch (const Error&) {
        return EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "key";
    }
}

/// A private key on a token. Members in release order: the key before the module.
class TokenSigner final : public keys::Signer {
public:
    TokenSigner(std::shared_ptr<Module> module, std::mutex& lock, ossl::PKey key, std::string uri)
        : module_(std::move(module)),
          lock_(lock),
          key_(std::move(key)),
          public_(keys::public_part(key_.get())),
          spec_(keys::spec_of(key_.get())),
          uri_(std::move(uri)) {}

    keys::KeySpec spec() const override { return spec_; }
    const EVP_PKEY* public_key() const override { return public_.get(); }
    Bytes sign(ByteView message, const keys::SignOptions& options) const override {
        std::lock_guard guard(lock_);
        try {
            return keys::sign_with(key_.get(), message, options);
        } catch (const Error& e) {
            throw Error(ErrorCode::TOKEN_OPERATION_FAILED, uri_ + ": " + e.what());
        }
    }
    std::string describe() const override { return uri_; }

private:
    std::shared_ptr<Module> module_;
    std::mutex& lock_;
    ossl::PKey key_;     // libp11's handle: its operations go to the token
    ossl::PKey public_;  // the public part, a plain OpenSSL key
    keys::KeySpec spec_;
    std::string uri_;
};

}  // namespace

std::string module_of(const Pkcs11Uri& uri) {
    if (!uri.module_path.empty()) return uri.module_path;
    if (const char* env = std::getenv("TANBA_PKCS11_MODULE"); env && *env) return env;
    return kOpenSc;
}

std::vector<TokenInfo> list_tokens(const std::string& module_path) {
    auto m = Module::get(module_path);
    std::lock_guard guard(m->mutex());
    std::vector<TokenInfo> out;
    for (PKCS11_SLOT* s : m->matching(Pkcs11Uri{})) out.push_back(m->info(s));
    return out;
}

std::vector<ObjectInfo> list_objects(const Pkcs11Uri& uri, const PinPrompt& pin) {
    auto m = Module::get(module_of(uri));
    PKCS11_SLOT* slot = m->slot(uri);
    m->login(slot, uri, pin);
    const TokenInfo t = m->info(slot);
    std::lock_guard guard(m->mutex());
    std::vector<ObjectInfo> out;
    PKCS11_KEY* keys = nullptr;
    unsigned int n = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &n) == 0)
        for (unsigned int i = 0; i < n; ++i) {
            ossl::PKey pub(PKCS11_get_public_key(&keys[i]));
            out.push_back({ObjectType::PrivateKey, keys[i].label ? keys[i].label : "", Bytes(keys[i].id, keys[i].id + keys[i].id_len),
                           describe_key(pub.get()), object_uri(*m, t, ObjectType::PrivateKey, keys[i].label, keys[i].id, keys[i].id_len)});
        }
    PKCS11_CERT* certs = nullptr;
    if (PKCS11_enumerate_certs(slot->token, &certs, &n) == 0)
        for (unsigned int i = 0; i < n; ++i) {
            std::string subject;
            if (certs[i].x509) subject = x509::Certificate::adopt(ossl::up_ref(certs[i].x509)).subject_text();
            out.push_back({ObjectType::Certificate, certs[i].label ? certs[i].label : "",
                           Bytes(certs[i].id, certs[i].id + certs[i].id_len), subject,
                           object_uri(*m, t, ObjectType::Certificate, certs[i].label, certs[i].id, certs[i].id_len)});
        }
    ossl::clear_errors();
    return out;
}

std::unique_ptr<keys::Signer> open_signer(const Pkcs11Uri& uri, const PinPrompt& pin) {
    auto m = Module::get(module_of(uri));
    PKCS11_SLOT* slot = m->slot(uri);
    m->login(slot, uri, pin);
    std::mutex& token_lock = m->lock(slot);
    std::lock_guard guard(m->mutex());
    PKCS11_KEY* keys = nullptr;
    unsigned int n = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &n) != 0) {
        ossl::clear_errors();
        throw Error(ErrorCode::TOKEN_OPERATION_FAILED, "listing keys on " + uri.str());
    }
    PKCS11_KEY* chosen = nullptr;
    int matches = 0;
    for (unsigned int i = 0; i < n; ++i)
        if (same_id(keys[i].id, keys[i].id_len, uri.id) && same_label(keys[i].label, uri.object)) {
            chosen = &keys[i];
            ++matches;
        }
    if (matches == 0) throw Error(ErrorCode::TOKEN_OBJECT_NOT_FOUND, "no private key matches " + uri.str());
    if (matches > 1) throw Error(ErrorCode::TOKEN_OBJECT_NOT_FOUND, "several private keys match " + uri.str() + ": give id= or object=");
    ossl::PKey key(PKCS11_get_private_key(chosen));
    if (!key) {
        ossl::clear_errors();
        throw Error(ErrorCode::TOKEN_OPERATION_FAILED, "the token does not give access to " + uri.str());
    }
    const TokenInfo t = m->info(slot);
    std::string name = object_uri(*m, t, ObjectType::PrivateKey, chosen->label, chosen->id, chosen->id_len);
    return std::make_unique<TokenSigner>(m, token_lock, std::move(key), std::move(name));
}

std::optional<x509::Certificate> find_certificate(const Pkcs11Uri& uri, const PinPrompt& pin) {
    auto m = Module::get(module_of(uri));
    PKCS11_SLOT* slot = m->slot(uri);
    m->login(slot, uri, pin);
    std::lock_guard guard(m->mutex());
    PKCS11_CERT* certs = nullptr;
    unsigned int n = 0;
    if (PKCS11_enumerate_certs(slot->token, &certs, &n) != 0) {
        ossl::clear_errors();
        return std::nullopt;
    }
    for (unsigned int i = 0; i < n; ++i)
        if (certs[i].x509 && same_id(certs[i].id, certs[i].id_len, uri.id) && same_label(certs[i].label, uri.object))
            return x509::Certificate::adopt(ossl::up_ref(certs[i].x509));
    return std::nullopt;
}

std::string generate_key(const Pkcs11Uri& uri, const keys::KeySpec& spec, const PinPrompt& pin) {
    return detail::generate_on_token(uri, spec, pin);
}

void import_certificate(const Pkcs11Uri& uri, const x509::Certificate& cert, const PinPrompt& pin) {
    auto m = Module::get(module_of(uri));
    PKCS11_SLOT* slot = m->slot(uri);
    {
        std::lock_guard guard(m->mutex());
        if (PKCS11_open_session(slot, 1) != 0) {
            ossl::clear_errors();
            throw Error(ErrorCode::TOKEN_OPERATION_FAILED, "opening a read-write session on " + uri.str());
        }
    }
    m->login(slot, uri, pin);
    std::lock_guard guard(m->mutex());
    std::string label = uri.object;
    Bytes id = uri.id;
    if (PKCS11_store_certificate(slot->token, cert.get(), label.empty() ? nullptr : label.data(), id.empty() ? nullptr : id.data(),
                                 id.size(), nullptr) != 0) {
        ossl::clear_errors();
        throw Error(ErrorCode::TOKEN_OPERATION_FAILED, "storing the certificate on " + uri.str());
    }
}

}  // namespace tanba::hsm
