#pragma once
// RFC 5280 §4.2.1.10 name constraints, applied to one certificate's names.
#include "cert_facts.hpp"

namespace tanba::validation::detail {

enum class NameCheck { Ok, Violated, Unsupported, TooComplex };

/// Checks the subject DN (when not empty), every subjectAltName and, when the certificate has
/// no subjectAltName, the subject's emailAddress attributes against the permitted and
/// excluded subtrees of `nc`. Forms that cannot be checked (otherName, x400, ediParty,
/// registeredID, minimum/maximum) give Unsupported only when a name of that form is present.
/// A wildcard dNSName that could stand for an excluded name is a violation. TooComplex when
/// names × subtrees exceeds a cap (quadratic blow-up by design, as in x509-limbo's nc-dos).
NameCheck check_name_constraints(const NAME_CONSTRAINTS* nc, const CertFacts& cert);

/// Host name matching for the leaf (RFC 6125: exact, or a wildcard as the whole left-most
/// label; no wildcard for IDN A-labels' partial labels).
bool dns_name_matches(std::string_view pattern, std::string_view host);

}  // namespace tanba::validation::detail
