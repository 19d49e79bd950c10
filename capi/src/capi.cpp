// The C ABI over the one-call C++ API (tanba.hpp) and lib/ident: parses the caller's JSON once
// into a Verifier and answers with the reports' JSON. Every entry point catches everything: no
// exception crosses into C.
#include "tanba/tanba.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tanba/base/version.hpp"
#include "tanba/ident/json.hpp"
#include "tanba/ossl/runtime.hpp"
#include "tanba/tanba.hpp"

using namespace tanba;

struct tanba_verifier {
    tanba::Verifier verifier;
};

namespace {

constexpr std::size_t kMaxOptionsBytes = 64u << 20;  // trust bundles and CRLs included

thread_local std::string last_error;

Error invalid(const std::string& what) { return Error(ErrorCode::INVALID_ARGUMENT, what); }

// The national OIDs registered with OpenSSL, once per process (roles print by name).
void name_national_oids() {
    static const bool named = (ossl::register_national_oids(), true);
    (void)named;
}

// Runs f; 0, or the code of what it threw (described in last_error).
template <class F>
int guarded(F&& f) noexcept {
    try {
        last_error.clear();
        name_national_oids();
        f();
        return TANBA_OK;
    } catch (const Error& e) {
        last_error = std::string(to_string(e.code())) + ": " + e.context();
        for (const auto& c : e.causes()) last_error += "; " + c;
        return static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
        last_error = "INTERNAL: out of memory";
    } catch (const std::exception& e) {
        last_error = std::string("INTERNAL: ") + e.what();
    } catch (...) {
        last_error = "INTERNAL: unknown exception";
    }
    return static_cast<int>(ErrorCode::INTERNAL);
}

// A malloc'd NUL-terminated copy, for tanba_free().
char* copy_out(const std::string& s) {
    auto* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size() + 1);
    return p;
}

ByteView bytes_in(const std::uint8_t* p, std::size_t n, const char* what) {
    if (!p && n) throw invalid(std::string(what) + " is NULL with a length of " + std::to_string(n));
    return ByteView(p, n);
}

template <class T>
T* required(T* p, const char* what) {
    if (!p) throw invalid(std::string(what) + " is NULL");
    return p;
}

// A JSON array of strings under `key` (absent: empty).
std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
    std::vector<std::string> out;
    const auto it = j.find(key);
    if (it == j.end()) return out;
    if (!it->is_array()) throw invalid(std::string("options: \"") + key + "\" is not an array of strings");
    for (const auto& v : *it) {
        if (!v.is_string()) throw invalid(std::string("options: \"") + key + "\" is not an array of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

std::vector<x509::Certificate> certificates(const std::vector<std::string>& pems) {
    std::vector<x509::Certificate> out;
    for (const auto& p : pems)
        for (auto& c : x509::Certificate::load_all(as_bytes(p))) out.push_back(std::move(c));
    return out;
}

// A CRL given as PEM (one or several) or as base64 of its DER.
std::vector<revocation::Crl> crls(const std::vector<std::string>& texts) {
    std::vector<revocation::Crl> out;
    for (const auto& t : texts) {
        std::optional<Bytes> der;
        if (!t.starts_with("-----BEGIN")) {
            der = base64_decode(t);
            if (!der) throw invalid("options: a \"crls\" entry is neither PEM nor base64 DER");
        }
        for (auto& c : revocation::Crl::load_all(der ? ByteView(*der) : as_bytes(t))) out.push_back(std::move(c));
    }
    return out;
}

std::string text_option(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) return {};
    if (!it->is_string()) throw invalid(std::string("options: \"") + key + "\" is not a string");
    return it->get<std::string>();
}

// TrustOptions from the caller's JSON; unknown keys and wrong types are refused.
TrustOptions trust_options(std::string_view options_json) {
    if (options_json.size() > kMaxOptionsBytes) throw Error(ErrorCode::INPUT_TOO_LARGE, "options_json is over 64 MiB");
    const auto j = nlohmann::json::parse(options_json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw invalid("options_json is not a JSON object");
    for (const auto& [key, _] : j.items())
        if (key != "trust" && key != "intermediates" && key != "crls" && key != "at" && key != "revocation" && key != "offline" &&
            key != "level")
            throw invalid("options: unknown key \"" + key + "\"");
    TrustOptions o;
    o.trust = certificates(strings(j, "trust"));
    if (o.trust.empty()) throw invalid("options: \"trust\" holds no certificate (give the trust anchors as PEM)");
    o.intermediates = certificates(strings(j, "intermediates"));
    o.crls = crls(strings(j, "crls"));
    if (const auto at = text_option(j, "at"); !at.empty()) o.at = parse_rfc3339(at);
    using validation::RevocationMode;
    const auto mode = text_option(j, "revocation");
    if (mode == "soft") o.revocation = RevocationMode::Soft;
    else if (mode == "off") o.revocation = RevocationMode::Off;
    else if (!mode.empty() && mode != "require") throw invalid("options: \"revocation\" is require, soft or off");
    const auto level = text_option(j, "level");
    if (level == "T") o.level = cms::SignatureLevel::T;
    else if (!level.empty() && level != "B") throw invalid("options: \"level\" is B or T");
    if (const auto it = j.find("offline"); it != j.end()) {
        if (!it->is_boolean()) throw invalid("options: \"offline\" is not true or false");
        if (it->get<bool>()) o.network = Network::Offline;
    }
    return o;
}

}  // namespace

extern "C" {

int tanba_verifier_new(const char* options_json, tanba_verifier** out) {
    return guarded([&] {
        required(out, "out");
        *out = new tanba_verifier{Verifier(trust_options(required(options_json, "options_json")))};
    });
}

void tanba_verifier_free(tanba_verifier* verifier) { delete verifier; }

int tanba_verify_cms(tanba_verifier* verifier, const std::uint8_t* cms, std::size_t cms_len, const std::uint8_t* content,
                     std::size_t content_len, char** report_json) {
    return guarded([&] {
        required(verifier, "verifier");
        required(report_json, "report_json");
        const ByteView signature = bytes_in(required(cms, "cms"), cms_len, "cms");
        std::optional<ByteView> document;  // NULL content: an attached signature
        if (content || content_len) document = bytes_in(content, content_len, "content");
        const auto report = verifier->verifier.verify_cms(signature, document);
        *report_json = copy_out(cms::to_json(report).dump(2));
    });
}

int tanba_certificate_info(const std::uint8_t* der, std::size_t len, char** info_json) {
    return guarded([&] {
        required(info_json, "info_json");
        *info_json = copy_out(validation::to_json(certificate_info(bytes_in(required(der, "der"), len, "der"))).dump(2));
    });
}

int tanba_identifier_check(const char* kind, const char* value, char** json) {
    return guarded([&] {
        required(json, "json");
        const std::string k = required(kind, "kind"), id = required(value, "value");
        const auto r = ident::check(id, std::string_view(k));
        auto j = ident::check_json(id, r);
        if (r.valid()) {
            const auto fields = ident::decoded_json(id, r.type);
            for (auto it = fields.begin(); it != fields.end(); ++it)
                if (it.key() != "id" && it.key() != "type") j[it.key()] = it.value();
        }
        *json = copy_out(j.dump(2));
    });
}

void tanba_free(void* p) { std::free(p); }

const char* tanba_version(void) { return kVersion; }

const char* tanba_last_error(void) { return last_error.c_str(); }

const char* tanba_error_name(int code) {
    for (const auto& c : all_error_codes())
        if (static_cast<int>(c.code) == code) return c.name.data();
    return nullptr;
}

}  // extern "C"
