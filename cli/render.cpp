#include "render.hpp"

#include <sstream>

#include "tanba/base/clock.hpp"

namespace tanba::cli {
namespace {

std::string identifier_text(const x509::IdentifierField& f) {
    if (f.status == x509::IdentifierStatus::Absent) return "-";
    std::string s = f.value + " (" + std::string(x509::to_string(f.status));
    if (f.failure) s += ": " + std::string(to_string(*f.failure));
    return s + ")";
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "-" : out;
}

}  // namespace

std::string info_text(const x509::CertificateInfo& i) {
    std::ostringstream o;
    o << "subject:        " << i.subject << "\n"
      << "issuer:         " << i.issuer << "\n"
      << "serial:         " << i.serial_hex << "\n"
      << "validity:       " << format_rfc3339(i.not_before) << " .. " << format_rfc3339(i.not_after) << "\n"
      << "common name:    " << i.identity.common_name << "\n"
      << "surname:        " << (i.identity.surname.empty() ? "-" : i.identity.surname) << "\n"
      << "given name:     " << (i.identity.given_name.empty() ? "-" : i.identity.given_name) << "\n"
      << "patronymic:     " << (i.identity.patronymic.empty() ? "-" : i.identity.patronymic) << "\n"
      << "organisation:   " << (i.identity.organization.empty() ? "-" : i.identity.organization) << "\n"
      << "IIN:            " << identifier_text(i.iin) << "\n"
      << "BIN:            " << identifier_text(i.bin) << "\n";
    if (i.pinfl.status != x509::IdentifierStatus::Absent || i.tin.status != x509::IdentifierStatus::Absent ||
        i.legal_tin.status != x509::IdentifierStatus::Absent)
        o << "PINFL:          " << identifier_text(i.pinfl) << "\n"
          << "TIN:            " << identifier_text(i.tin) << "\n"
          << "legal TIN:      " << identifier_text(i.legal_tin) << "\n";
    o
      << "key usage:      " << joined(i.key_usage) << " (" << x509::to_string(i.usage_class) << ")\n"
      << "extended usage: " << joined(i.extended_key_usage) << "\n";
    o << "roles:          ";
    if (i.roles.empty()) o << "-";
    for (std::size_t k = 0; k < i.roles.size(); ++k) o << (k ? ", " : "") << i.roles[k].oid << " (" << i.roles[k].name << ")";
    o << "\npolicies:       " << joined(i.policies) << "\n"
      << "CA:             " << (i.is_ca ? "yes" : "no");
    if (i.path_length) o << " (path length " << *i.path_length << ")";
    o << "\nsignature:      " << i.signature_algorithm << "\n"
      << "public key:     " << i.public_key_algorithm;
    if (i.public_key_bits) o << " " << i.public_key_bits << " bits";
    else o << " (not supported by OpenSSL here)";
    o << "\nSHA-256:        " << i.sha256 << "\n";
    for (const auto& f : i.subject_text_findings)
        o << "name finding:   " << to_string(f.problem.code) << " in " << f.attribute << ": " << f.problem.detail << "\n";
    return o.str();
}

nlohmann::json record_json(const ca::ListedCertificate& c) {
    const auto& r = c.record;
    nlohmann::json j{{"serial", r.serial},         {"status", ca::to_string(c.state)},
                     {"profile", r.profile},       {"subject", r.subject},
                     {"iin", r.subject_iin},       {"bin", r.subject_bin},
                     {"notBefore", format_rfc3339(r.not_before)}, {"notAfter", format_rfc3339(r.not_after)},
                     {"createdAt", format_rfc3339(r.created_at)}, {"revokedAt", nullptr}, {"revocationReason", nullptr}};
    if (r.revoked_at) {
        j["revokedAt"] = format_rfc3339(*r.revoked_at);
        j["revocationReason"] = std::string(revocation::to_string(static_cast<revocation::Reason>(r.revocation_reason)));
    }
    return j;
}

}  // namespace tanba::cli
