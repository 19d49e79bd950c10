#include "tanba/validation/report.hpp"

#include <sstream>

namespace tanba::validation {
namespace {

struct Row {
    std::string_view name;
    Indication indication;
    SubIndication sub;
    std::string_view message;
};

constexpr Row kRows[] = {
#define FINDING(name, ind, sub, msg) {#name, Indication::ind, SubIndication::sub, msg},
#include "tanba/validation/findings.def"
#undef FINDING
};

const Row& row(FindingCode c) { return kRows[static_cast<int>(c)]; }

nlohmann::json identifier_json(const x509::IdentifierField& f) {
    if (f.status == x509::IdentifierStatus::Absent) return nullptr;
    nlohmann::json j{{"value", f.value}, {"status", x509::to_string(f.status)}};
    if (f.failure) j["code"] = to_string(*f.failure);
    return j;
}

}  // namespace

Indication indication_of(FindingCode c) { return row(c).indication; }
SubIndication sub_indication_of(FindingCode c) { return row(c).sub; }
std::string_view to_string(FindingCode c) { return row(c).name; }
std::string_view message_of(FindingCode c) { return row(c).message; }

std::string_view to_string(Indication i) {
    switch (i) {
        case Indication::Valid: return "VALID";
        case Indication::Invalid: return "INVALID";
        case Indication::Indeterminate: return "INDETERMINATE";
    }
    return "?";
}

std::string_view to_string(SubIndication s) {
    switch (s) {
        case SubIndication::None: return "";
        case SubIndication::FormatFailure: return "FORMAT_FAILURE";
        case SubIndication::HashFailure: return "HASH_FAILURE";
        case SubIndication::SigCryptoFailure: return "SIG_CRYPTO_FAILURE";
        case SubIndication::Revoked: return "REVOKED";
        case SubIndication::Expired: return "EXPIRED";
        case SubIndication::NotYetValid: return "NOT_YET_VALID";
        case SubIndication::NoCertificateChainFound: return "NO_CERTIFICATE_CHAIN_FOUND";
        case SubIndication::ChainConstraintsFailure: return "CHAIN_CONSTRAINTS_FAILURE";
        case SubIndication::CertificateChainGeneralFailure: return "CERTIFICATE_CHAIN_GENERAL_FAILURE";
        case SubIndication::CryptoConstraintsFailure: return "CRYPTO_CONSTRAINTS_FAILURE";
        case SubIndication::PolicyProcessingError: return "POLICY_PROCESSING_ERROR";
        case SubIndication::TryLater: return "TRY_LATER";
        case SubIndication::SigConstraintsFailure: return "SIG_CONSTRAINTS_FAILURE";
        case SubIndication::NoSigningCertificateFound: return "NO_SIGNING_CERTIFICATE_FOUND";
        case SubIndication::SignedDataNotFound: return "SIGNED_DATA_NOT_FOUND";
    }
    return "?";
}

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Info: return "info";
    }
    return "?";
}

Finding make_finding(FindingCode code, Severity severity, std::string detail, std::optional<int> cert) {
    std::string message(message_of(code));
    if (!detail.empty()) message += ": " + detail;
    return Finding{code, severity, std::move(message), cert};
}

void ValidationReport::add(FindingCode code, Severity severity, std::string detail, std::optional<int> cert) {
    findings.push_back(make_finding(code, severity, std::move(detail), cert));
}

void ValidationReport::conclude() {
    const Finding* invalid = nullptr;
    const Finding* indeterminate = nullptr;
    for (const auto& f : findings) {
        if (f.severity != Severity::Error) continue;
        if (indication_of(f.code) == Indication::Invalid && !invalid) invalid = &f;
        if (indication_of(f.code) == Indication::Indeterminate && !indeterminate) indeterminate = &f;
    }
    const Finding* decisive = invalid ? invalid : indeterminate;
    indication = decisive ? indication_of(decisive->code) : Indication::Valid;
    sub_indication = decisive ? sub_indication_of(decisive->code) : SubIndication::None;
}

nlohmann::json to_json(const x509::CertificateInfo& i) {
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& r : i.roles) roles.push_back({{"oid", r.oid}, {"name", r.name}});
    nlohmann::json attrs = nlohmann::json::array();
    for (const auto& a : i.subject_attributes) attrs.push_back({{"oid", a.oid}, {"name", a.short_name}, {"value", a.value}});
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : i.subject_text_findings)
        findings.push_back({{"attribute", f.attribute}, {"code", to_string(f.problem.code)}, {"detail", f.problem.detail}});
    nlohmann::json j{
        {"subject", i.subject},
        {"issuer", i.issuer},
        {"serial", i.serial_hex},
        {"sha256", i.sha256},
        {"commonName", i.identity.common_name},
        {"surname", i.identity.surname},
        {"givenName", i.identity.given_name},
        {"patronymic", i.identity.patronymic},
        {"organization", i.identity.organization},
        {"country", i.identity.country},
        {"email", i.identity.email},
        {"iin", identifier_json(i.iin)},
        {"bin", identifier_json(i.bin)},
        {"pinfl", identifier_json(i.pinfl)},
        {"tin", identifier_json(i.tin)},
        {"legalTin", identifier_json(i.legal_tin)},
        {"subjectAttributes", attrs},
        {"nameFindings", findings},
        {"keyUsage", i.key_usage},
        {"extendedKeyUsage", i.extended_key_usage},
        {"roles", roles},
        {"policies", i.policies},
        {"usageClass", x509::to_string(i.usage_class)},
        {"notBefore", format_rfc3339(i.not_before)},
        {"notAfter", format_rfc3339(i.not_after)},
        {"isCa", i.is_ca},
        {"signatureAlgorithm", i.signature_algorithm},
        {"publicKeyAlgorithm", i.public_key_algorithm},
        {"publicKeyBits", i.public_key_bits},
    };
    if (i.path_length) j["pathLength"] = *i.path_length;
    return j;
}

nlohmann::json identity_json(const x509::Certificate& cert) {
    const auto info = x509::describe(cert);
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& role : info.roles) roles.push_back({{"oid", role.oid}, {"name", role.name}});
    auto id = [](const x509::IdentifierField& f) -> nlohmann::json {
        if (f.status == x509::IdentifierStatus::Absent) return nullptr;
        return f.value;
    };
    return {
        {"iin", id(info.iin)},
        {"bin", id(info.bin)},
        {"pinfl", id(info.pinfl)},
        {"tin", id(info.tin)},
        {"legalTin", id(info.legal_tin)},
        {"commonName", info.identity.common_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.identity.common_name)},
        {"serial", info.serial_hex},
        {"roles", roles},
        {"subject", info.subject},
        {"issuer", info.issuer},
        {"notBefore", format_rfc3339(info.not_before)},
        {"notAfter", format_rfc3339(info.not_after)},
        {"sha256", info.sha256},
    };
}

nlohmann::json to_json(const std::vector<Finding>& fs) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : fs) {
        nlohmann::json j{{"code", to_string(f.code)}, {"severity", to_string(f.severity)}, {"message", f.message}};
        if (f.certificate) j["certificate"] = *f.certificate;
        findings.push_back(std::move(j));
    }
    return findings;
}

nlohmann::json to_json(const ValidationReport& r) {
    const nlohmann::json findings = to_json(r.findings);
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& e : r.chain) {
        nlohmann::json j{{"subject", e.certificate.subject_text()},
                         {"issuer", e.certificate.issuer_text()},
                         {"serial", e.certificate.serial_hex()},
                         {"sha256", e.certificate.sha256_fingerprint()},
                         {"trustAnchor", e.trust_anchor}};
        if (!e.revocation.empty()) j["revocation"] = e.revocation;
        chain.push_back(std::move(j));
    }
    nlohmann::json cross = nullptr;
    if (r.cross_check)
        cross = {{"implementation", "Botan 2"}, {"valid", r.cross_check->valid}, {"result", r.cross_check->reason},
                 {"agrees", r.cross_check->valid == r.valid()}};
    return {
        {"crossCheck", cross},
        {"indication", to_string(r.indication)},
        {"subIndication", r.sub_indication == SubIndication::None ? nlohmann::json(nullptr) : nlohmann::json(to_string(r.sub_indication))},
        {"validationTime", format_rfc3339(r.validation_time)},
        {"findings", findings},
        {"chain", chain},
        {"policies", r.policies},
        {"revocationPolicy", {{"mode", r.revocation_policy.mode}, {"online", r.revocation_policy.online}}},
        {"anchorConstraints", r.anchor_constraints},
    };
}

std::string to_text(const ValidationReport& r) {
    std::ostringstream out;
    out << to_string(r.indication);
    if (r.sub_indication != SubIndication::None) out << " (" << to_string(r.sub_indication) << ")";
    out << "\n";
    for (std::size_t i = 0; i < r.chain.size(); ++i) {
        const auto& e = r.chain[i];
        out << "  [" << i << "] " << e.certificate.subject_text() << (e.trust_anchor ? "  (trust anchor)" : "");
        if (!e.revocation.empty()) out << "  revocation: " << e.revocation;
        out << "\n";
    }
    out << "  revocation policy: " << r.revocation_policy.mode << (r.revocation_policy.online ? ", online" : ", offline") << "\n";
    if (r.cross_check)
        out << "  cross-check (Botan): " << (r.cross_check->valid ? "valid" : "invalid") << " — " << r.cross_check->reason << "\n";
    for (const auto& f : r.findings) {
        out << "  " << to_string(f.severity) << " " << to_string(f.code);
        if (f.certificate) out << " [" << *f.certificate << "]";
        out << ": " << f.message << "\n";
    }
    return out.str();
}

}  // namespace tanba::validation
