#pragma once
// Text and JSON views of certificates and store records.
#include <nlohmann/json.hpp>

#include <string>

#include "tanba/ca/authority.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cli {
std::string info_text(const x509::CertificateInfo& info);
/// A listed certificate: serial, status (its state now), profile, subject, iin, bin, times,
/// revokedAt and revocationReason (null unless revoked or on hold).
nlohmann::json record_json(const ca::ListedCertificate& c);
}  // namespace tanba::cli
