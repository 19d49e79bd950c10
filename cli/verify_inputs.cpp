#include "verify_inputs.hpp"

#include <map>
#include <regex>

#include "tanba/base/file_io.hpp"

namespace tanba::cli {
namespace {

const std::map<std::string, std::string>& eku_names() {
    static const std::map<std::string, std::string> m{
        {"serverAuth", "1.3.6.1.5.5.7.3.1"},    {"clientAuth", "1.3.6.1.5.5.7.3.2"},
        {"codeSigning", "1.3.6.1.5.5.7.3.3"},   {"emailProtection", "1.3.6.1.5.5.7.3.4"},
        {"timeStamping", "1.3.6.1.5.5.7.3.8"},  {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
        {"any", "2.5.29.37.0"},
    };
    return m;
}

std::string oid_arg(const std::string& v, const char* what) {
    static const std::regex dotted(R"([0-2](\.(0|[1-9][0-9]*))+)");
    if (!std::regex_match(v, dotted)) throw Error(ErrorCode::USAGE, std::string(what) + " is not a dotted OID: " + v);
    return v;
}

}  // namespace

void add_verify_options(CLI::App& cmd, VerifyInputs& in, const std::string& default_purpose) {
    in.purpose = default_purpose;
    cmd.add_option("--trust", in.trust, "trust anchors (every certificate in the files is one)")->required();
    cmd.add_option("--untrusted", in.untrusted, "intermediate certificates to build paths with");
    cmd.add_option("--crl", in.crls, "CRL files (PEM with several, or DER)");
    cmd.add_option("--ocsp-response", in.ocsp, "OCSP response files (DER)");
    cmd.add_option("--at", in.at, "validation time, RFC 3339 (default: now)");
    cmd.add_option("--purpose", in.purpose, "sign, auth or any")->check(CLI::IsMember({"sign", "auth", "any"}));
    cmd.add_option("--eku", in.eku, "required extended key usage: dotted OID or serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, any");
    cmd.add_option("--host", in.host, "DNS name the certificate must be issued for");
    cmd.add_option("--ip", in.ip, "IP address the certificate must be issued for");
    cmd.add_option("--email", in.email, "email address the certificate must be issued for");
    cmd.add_option("--policy", in.policies, "acceptable certificate policy (repeatable; default anyPolicy)");
    cmd.add_flag("--explicit-policy", in.explicit_policy, "require a valid policy for the whole path");
    cmd.add_flag("--inhibit-policy-mapping", in.inhibit_mapping, "do not accept policy mappings");
    cmd.add_flag("--inhibit-any-policy", in.inhibit_any, "anyPolicy does not match other policies");
    cmd.add_option("--max-depth", in.max_depth, "most intermediate CAs between the certificate and the trust anchor (self-issued ones not counted)")->check(CLI::Range(0, 64));
    cmd.add_option("--anchor-constraints", in.anchor_constraints, "rfc5280: a trust anchor is its name and key; rfc5937: its certificate's validity and extensions constrain the path")
        ->check(CLI::IsMember({"rfc5280", "rfc5937"}));
    cmd.add_option("--revocation", in.revocation, "require (an unknown status is INDETERMINATE), soft (a warning), off (not checked)")
        ->check(CLI::IsMember({"require", "soft", "off"}));
    cmd.add_flag("--allow-sha1", in.allow_sha1, "accept SHA-1 signatures (old archives); MD5 never");
    auto* fetch = cmd.add_flag("--fetch", in.fetch, "fetch CRLs and OCSP responses named in the certificates (the default; HTTP, 5 s timeout)");
    cmd.add_flag("--offline", in.offline, "no network: only the given CRLs and OCSP responses")->excludes(fetch);
    cmd.add_flag("--cross-check", in.cross_check, "also run Botan's path validation and report any disagreement");
    cmd.add_flag("--json", in.json, "JSON report");
}

TrustMaterial load_trust(const VerifyInputs& in) {
    constexpr std::size_t kMaxBundle = 64u << 20, kMaxCrl = 256u << 20;  // a 1M-entry CRL is ~40 MiB
    auto certs = [](const std::vector<std::string>& files) {
        std::vector<x509::Certificate> out;
        for (const auto& f : files)
            for (auto& c : x509::Certificate::load_all(read_file(f, kMaxBundle))) out.push_back(std::move(c));
        return out;
    };
    TrustMaterial m{certs(in.trust), certs(in.untrusted), {}, {}};
    for (const auto& f : in.crls)
        for (auto& c : revocation::Crl::load_all(read_file(f, kMaxCrl))) m.crls.push_back(std::move(c));
    for (const auto& f : in.ocsp) m.ocsp.push_back(revocation::OcspResponse::from_der(read_file(f)));
    return m;
}

validation::Validator make_validator(TrustMaterial m, revocation::RevocationSource* online) {
    return validation::Validator(std::move(m.anchors), std::move(m.untrusted), std::move(m.crls), std::move(m.ocsp), online);
}

validation::ValidationOptions make_options(const VerifyInputs& in, const Clock& clock) {
    validation::ValidationOptions o;
    o.at = in.at.empty() ? clock.now() : parse_rfc3339(in.at);
    o.purpose = in.purpose == "sign" ? validation::Purpose::Sign
              : in.purpose == "auth" ? validation::Purpose::Auth
                                     : validation::Purpose::Any;
    if (!in.eku.empty()) {
        auto it = eku_names().find(in.eku);
        o.eku = it != eku_names().end() ? it->second : oid_arg(in.eku, "--eku");
    }
    if (!in.host.empty()) o.host = in.host;
    if (!in.ip.empty()) o.ip = in.ip;
    if (!in.email.empty()) o.email = in.email;
    if (!in.policies.empty()) {
        o.policy.initial_policy_set.clear();
        for (const auto& p : in.policies) o.policy.initial_policy_set.push_back(oid_arg(p, "--policy"));
    }
    o.policy.explicit_policy = in.explicit_policy;
    o.policy.inhibit_policy_mapping = in.inhibit_mapping;
    o.policy.inhibit_any_policy = in.inhibit_any;
    o.limits.max_depth = in.max_depth;
    o.allow_sha1 = in.allow_sha1;
    o.cross_check = in.cross_check;
    o.anchor = in.anchor_constraints == "rfc5937" ? validation::AnchorConstraints::Constrained : validation::AnchorConstraints::NameAndKey;
    using validation::RevocationMode;
    o.revocation = in.revocation == "soft" ? RevocationMode::Soft : in.revocation == "off" ? RevocationMode::Off : RevocationMode::Require;
    return o;
}

}  // namespace tanba::cli
