// The checks every login token kind shares.
#include "checks.hpp"

namespace tanba::auth::detail {
namespace {
constexpr std::string_view kNcaRoles = "1.2.398.3.3.4.1.";  // NCA role OIDs (individual, organisation roles)
}  // namespace

void require_login_purpose(const x509::CertificateInfo& info) {
    if (!has(info.key_usage, "digitalSignature"))
        throw Error(ErrorCode::AUTH_CERT_NOT_FOR_LOGIN, info.subject + ": its key usage lacks digitalSignature");
    if (has(info.key_usage, "nonRepudiation"))
        throw Error(ErrorCode::AUTH_CERT_NOT_FOR_LOGIN, info.subject + ": a signing certificate (nonRepudiation), not an authentication one");
    if (info.extended_key_usage.empty()) return;
    const bool role = std::any_of(info.roles.begin(), info.roles.end(), [](const x509::Role& r) { return r.oid.starts_with(kNcaRoles); });
    if (!has(info.extended_key_usage, "clientAuth") && !has(info.extended_key_usage, "1.3.6.1.5.5.7.3.2") && !role)
        throw Error(ErrorCode::AUTH_CERT_NOT_FOR_LOGIN, info.subject + ": its extended key usage has neither clientAuth nor an NCA role");
}

[[noreturn]] void refuse(const validation::ValidationReport& report, const std::string& subject) {
    using validation::FindingCode;
    auto first = [&](auto pred) -> const validation::Finding* {
        for (const auto& f : report.findings)
            if (f.severity == validation::Severity::Error && pred(f)) return &f;
        return nullptr;
    };
    auto is = [](std::vector<FindingCode> codes) {
        return [codes = std::move(codes)](const validation::Finding& f) { return std::find(codes.begin(), codes.end(), f.code) != codes.end(); };
    };
    if (auto f = first(is({FindingCode::REVOKED, FindingCode::ON_HOLD}))) throw Error(ErrorCode::AUTH_CERT_REVOKED, subject + ": " + f->message);
    if (auto f = first(is({FindingCode::PURPOSE_MISMATCH, FindingCode::EKU_MISMATCH})))
        throw Error(ErrorCode::AUTH_CERT_NOT_FOR_LOGIN, subject + ": " + f->message);
    const auto revocation = is({FindingCode::REVOCATION_UNKNOWN, FindingCode::REVOCATION_NOT_CHECKED, FindingCode::REVOKED_LATER,
                                FindingCode::CRL_UNUSABLE, FindingCode::FETCH_FAILED, FindingCode::OCSP_UNUSABLE});
    if (auto f = first([&](const validation::Finding& x) { return !revocation(x); }))
        throw Error(ErrorCode::AUTH_CERT_UNTRUSTED, subject + ": " + f->message);
    const auto* f = first(revocation);
    throw Error(ErrorCode::AUTH_CERT_STATUS_UNKNOWN, subject + (f ? ": " + f->message : std::string()));
}

Identity identity_of(const x509::Certificate& cert, const x509::CertificateInfo& info) {
    const auto valid = [](const x509::IdentifierField& f) { return f.status == x509::IdentifierStatus::Valid ? f.value : std::string(); };
    Identity id;
    id.iin = valid(info.iin);
    id.bin = valid(info.bin);
    id.pinfl = valid(info.pinfl);
    id.tin = valid(info.tin);
    id.legal_tin = valid(info.legal_tin);
    id.country = info.identity.country;
    id.surname = info.identity.surname;
    id.given_name = info.identity.given_name;
    id.patronymic = info.identity.patronymic;
    id.common_name = info.identity.common_name;
    for (const auto& r : info.roles) id.roles.push_back(r.name.empty() ? r.oid : r.name);
    id.certificate_serial = cert.serial_hex();
    id.issuer = cert.issuer_text();
    return id;
}

}  // namespace tanba::auth::detail
