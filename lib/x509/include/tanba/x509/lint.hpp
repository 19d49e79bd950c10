#pragma once
// Pre-issuance lints (in-house; zlint is not packaged for Debian). Run on the TBS before the
// serial is stored and before anything is signed.
#include <string>
#include <vector>

#include "tanba/x509/builder.hpp"

namespace tanba::x509 {

struct LintFinding {
    std::string code;     // stable, e.g. "e_serial_too_short"
    std::string message;
};

/// Every lint that fails. issuer is null for a self-signed root.
std::vector<LintFinding> lint(const Tbs& tbs, const Profile& profile, const Certificate* issuer);

/// Throws LINT_FAILED listing the findings (or IDENTIFIER_INVALID when the only problems are
/// national identifiers) when lint() finds anything.
void require_clean(const Tbs& tbs, const Profile& profile, const Certificate* issuer);

/// Checks that a subject carries what the profile's subject rule requires, with valid
/// identifiers. Throws NAME_INVALID or IDENTIFIER_INVALID (with the identifier's own code).
void check_subject(const X509_NAME* subject, const Profile& profile);
/// The same on an identity already read from a (non-empty) subject.
void check_subject(const SubjectIdentity& identity, const Profile& profile);

}  // namespace tanba::x509
