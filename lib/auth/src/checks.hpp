#pragma once
// The checks every login token kind shares (login.hpp): the certificate's purpose, the
// validator's verdict as a refusal, and the identity read from the certificate.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "tanba/auth/login.hpp"
#include "tanba/validation/validator.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::auth::detail {

inline bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

/// Throws AUTH_CERT_NOT_FOR_LOGIN unless the certificate is for authentication:
/// digitalSignature and not nonRepudiation; with an EKU, clientAuth or an NCA role.
void require_login_purpose(const x509::CertificateInfo& info);

/// The validator's verdict as a login refusal: AUTH_CERT_REVOKED, AUTH_CERT_NOT_FOR_LOGIN,
/// AUTH_CERT_UNTRUSTED or AUTH_CERT_STATUS_UNKNOWN.
[[noreturn]] void refuse(const validation::ValidationReport& report, const std::string& subject);

/// Who the certificate names: identifiers only when their check digits hold.
Identity identity_of(const x509::Certificate& cert, const x509::CertificateInfo& info);

}  // namespace tanba::auth::detail
