#pragma once
// Text and JSON views of certificates and store records.
#include <nlohmann/json.hpp>

#include <string>

#include "tanba/store/repository.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::cli {
nlohmann::json info_json(const x509::CertificateInfo& info);
std::string info_text(const x509::CertificateInfo& info);
nlohmann::json record_json(const store::CertificateRecord& r);
}  // namespace tanba::cli
