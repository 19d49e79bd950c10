#include "tanba/x509/profile.hpp"

#include <openssl/x509v3.h>

#include "key_usage.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "tanba/base/file_io.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::x509 {
namespace {

const std::set<std::string, std::less<>> kKnownKeys = {
    "name", "description", "kind", "subject", "validity_days", "key_usage", "extended_key_usage",
    "extended_key_usage_critical", "policies", "cps_uri", "path_length", "crl", "ocsp", "ca_issuers",
    "ocsp_no_check", "allowed_keys", "allowed_csr_extensions"};

struct Reader {
    const toml::table& t;
    const std::string& origin;

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(ErrorCode::PROFILE_INVALID, origin + ": " + what);
    }
    std::string str(std::string_view key, bool required) const {
        auto node = t[key];
        if (!node) {
            if (required) fail("missing '" + std::string(key) + "'");
            return {};
        }
        auto v = node.value<std::string>();
        if (!v) fail("'" + std::string(key) + "' must be a string");
        return *v;
    }
    bool flag(std::string_view key) const {
        auto node = t[key];
        if (!node) return false;
        auto v = node.value<bool>();
        if (!v) fail("'" + std::string(key) + "' must be true or false");
        return *v;
    }
    std::optional<std::int64_t> integer(std::string_view key) const {
        auto node = t[key];
        if (!node) return std::nullopt;
        auto v = node.value<std::int64_t>();
        if (!v) fail("'" + std::string(key) + "' must be an integer");
        return v;
    }
    std::vector<std::string> list(std::string_view key) const {
        std::vector<std::string> out;
        auto node = t[key];
        if (!node) return out;
        const toml::array* arr = node.as_array();
        if (!arr) fail("'" + std::string(key) + "' must be a list of strings");
        for (const auto& e : *arr) {
            auto v = e.value<std::string>();
            if (!v) fail("'" + std::string(key) + "' must be a list of strings");
            out.push_back(*v);
        }
        return out;
    }
};

// Returns the dotted OID of a name or OID; fails for unknown names and malformed OIDs.
std::string check_oid_or_name(const Reader& r, const std::string& value, const char* field, bool names_allowed) {
    ossl::clear_errors();
    ossl::Asn1Object obj(OBJ_txt2obj(value.c_str(), names_allowed ? 0 : 1));
    ossl::clear_errors();
    if (!obj) r.fail(std::string(field) + ": '" + value + "' is not " + (names_allowed ? "a known name or " : "") + "an OID");
    return ossl::oid_text(obj.get());
}

}  // namespace

std::string_view to_string(ProfileKind k) {
    switch (k) {
        case ProfileKind::RootCa: return "root-ca";
        case ProfileKind::SubCa: return "sub-ca";
        case ProfileKind::EndEntity: return "end-entity";
    }
    return "?";
}

std::string_view to_string(SubjectRule r) {
    switch (r) {
        case SubjectRule::Citizen: return "citizen";
        case SubjectRule::Legal: return "legal";
        case SubjectRule::Ca: return "ca";
        case SubjectRule::Service: return "service";
        case SubjectRule::UzCitizen: return "uz-citizen";
        case SubjectRule::UzLegal: return "uz-legal";
    }
    return "?";
}

bool Profile::allows(const keys::KeySpec& spec) const {
    return std::any_of(allowed_keys.begin(), allowed_keys.end(), [&](const keys::KeySpec& k) {
        return k.algorithm == spec.algorithm && k.bits == spec.bits;
    });
}

void Profile::require_allowed(const keys::KeySpec& spec) const {
    if (allows(spec)) return;
    std::string allowed;
    for (const auto& k : allowed_keys) allowed += (allowed.empty() ? "" : ", ") + keys::to_string(k);
    throw Error(ErrorCode::CSR_POLICY,
                keys::to_string(spec) + " keys are not allowed by profile " + name + " (allowed: " + allowed + ")");
}

Profile parse_profile(std::string_view text, const std::string& origin) {
    toml::table t;
    try {
        t = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::PROFILE_INVALID, origin + ": " + std::string(e.description()));
    }
    Reader r{t, origin};
    for (auto&& [k, v] : t)
        if (!kKnownKeys.contains(k.str())) r.fail("unknown key '" + std::string(k.str()) + "'");

    Profile p;
    p.name = r.str("name", true);
    p.description = r.str("description", false);
    auto kind = r.str("kind", true);
    if (kind == "root-ca") p.kind = ProfileKind::RootCa;
    else if (kind == "sub-ca") p.kind = ProfileKind::SubCa;
    else if (kind == "end-entity") p.kind = ProfileKind::EndEntity;
    else r.fail("kind must be root-ca, sub-ca or end-entity");
    auto subject = r.str("subject", true);
    if (subject == "citizen") p.subject = SubjectRule::Citizen;
    else if (subject == "legal") p.subject = SubjectRule::Legal;
    else if (subject == "ca") p.subject = SubjectRule::Ca;
    else if (subject == "service") p.subject = SubjectRule::Service;
    else if (subject == "uz-citizen") p.subject = SubjectRule::UzCitizen;
    else if (subject == "uz-legal") p.subject = SubjectRule::UzLegal;
    else r.fail("subject must be citizen, legal, ca, service, uz-citizen or uz-legal");
    auto days = r.integer("validity_days");
    if (!days || *days < 1 || *days > 36525) r.fail("validity_days must be 1..36525");
    p.validity_days = static_cast<int>(*days);
    p.key_usage = r.list("key_usage");
    if (p.key_usage.empty()) r.fail("key_usage must not be empty");
    for (const auto& ku : p.key_usage)
        if (!is_key_usage_name(ku)) r.fail("unknown key usage '" + ku + "'");
    p.extended_key_usage = r.list("extended_key_usage");
    for (const auto& e : p.extended_key_usage)
        p.extended_key_usage_oids.push_back(check_oid_or_name(r, e, "extended_key_usage", true));
    p.extended_key_usage_critical = r.flag("extended_key_usage_critical");
    p.policies = r.list("policies");
    for (const auto& o : p.policies) check_oid_or_name(r, o, "policies", false);
    p.cps_uri = r.str("cps_uri", false);
    if (auto pl = r.integer("path_length")) {
        if (*pl < 0 || *pl > 16) r.fail("path_length must be 0..16");
        p.path_length = static_cast<int>(*pl);
    }
    p.crl = r.flag("crl");
    p.ocsp = r.flag("ocsp");
    p.ca_issuers = r.flag("ca_issuers");
    p.ocsp_no_check = r.flag("ocsp_no_check");
    for (const auto& k : r.list("allowed_keys")) {
        try {
            p.allowed_keys.push_back(keys::parse_key_spec(k));
        } catch (const Error&) {
            r.fail("allowed_keys: unknown key type '" + k + "'");
        }
    }
    if (p.allowed_keys.empty()) r.fail("allowed_keys must not be empty");
    p.allowed_csr_extensions = r.list("allowed_csr_extensions");
    for (const auto& e : p.allowed_csr_extensions) check_oid_or_name(r, e, "allowed_csr_extensions", true);

    const bool has_ca_usage = std::find(p.key_usage.begin(), p.key_usage.end(), "keyCertSign") != p.key_usage.end();
    if (p.is_ca() != has_ca_usage) r.fail("keyCertSign belongs in CA profiles and only there");
    if (!p.is_ca() && p.path_length) r.fail("path_length is for CA profiles");
    if (p.is_ca() && p.subject != SubjectRule::Ca) r.fail("a CA profile needs subject = \"ca\"");
    return p;
}

ProfileSet ProfileSet::builtin() {
    ProfileSet set;
    for (const auto& [name, text] : builtin_profile_texts()) {
        auto p = parse_profile(text, "built-in profile " + name);
        set.profiles_.emplace(p.name, std::move(p));
    }
    return set;
}

ProfileSet ProfileSet::load_dir(const std::filesystem::path& dir) {
    ProfileSet set;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".toml") continue;
        auto bytes = read_file(entry.path(), 1 << 20);
        auto p = parse_profile(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                               entry.path().string());
        if (p.name != entry.path().stem().string())
            throw Error(ErrorCode::PROFILE_INVALID,
                        entry.path().string() + ": name '" + p.name + "' differs from the file name");
        set.profiles_.emplace(p.name, std::move(p));
    }
    if (ec) throw Error(ErrorCode::IO_ERROR, "reading profiles from " + dir.string() + ": " + ec.message());
    return set;
}

const Profile& ProfileSet::get(std::string_view name) const {
    auto it = profiles_.find(name);
    if (it == profiles_.end()) {
        std::string known;
        for (const auto& [n, p] : profiles_) known += (known.empty() ? "" : ", ") + n;
        throw Error(ErrorCode::PROFILE_NOT_FOUND, "'" + std::string(name) + "' (known: " + known + ")");
    }
    return it->second;
}

std::vector<std::string> ProfileSet::names() const {
    std::vector<std::string> out;
    for (const auto& [n, p] : profiles_) out.push_back(n);
    return out;
}

}  // namespace tanba::x509
