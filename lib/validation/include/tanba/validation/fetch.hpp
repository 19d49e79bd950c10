#pragma once
// Network revocation for a path that was built without it (only when asked: `--fetch`).
#include <string>
#include <vector>

#include "tanba/revocation/fetch.hpp"
#include "tanba/validation/report.hpp"

namespace tanba::validation {

struct Fetched {
    std::vector<revocation::Crl> crls;
    std::vector<revocation::OcspResponse> ocsp;
    std::vector<std::string> problems;   // what could not be fetched, and why

    /// Takes in what another fetch found.
    void add(Fetched&& other);
};

/// For every certificate of the report's chain below the anchor: OCSP from its AIA responder
/// (nonce checked), else the CRLs of its distribution points. Never throws; failures are
/// listed in `problems` (the validation that follows decides what a missing status means).
Fetched fetch_revocation(const ValidationReport& built, const revocation::FetchLimits& limits);

}  // namespace tanba::validation
